package dev.syncline.core.event;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordView;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The events of the change feed (DESIGN section 3) that a replica sends its subscribers: {@value
 * #UPDATED_TYPE} with a record's view after a change (the JSON of {@code GET /records}), and
 * {@value ChangeEvents#CONFLICT_TYPE} for each field of that view with concurrent siblings.
 *
 * <p>Ids are stable, so a subscriber can drop what it has seen: an updated event's id names the
 * replica and the record's version it shows; a conflict's id is a hash of the replica, the record,
 * the field and its sibling values, so a conflict that is still there when the record changes
 * again is sent again under the same id.
 */
public final class FeedEvents {

  public static final String UPDATED_TYPE = "dev.syncline.record.updated.v1";

  private FeedEvents() {}

  /**
   * The events for a record as it now stands: one updated event, then one conflict event per
   * field in conflict.
   *
   * @param version names the view's version in the updated event's id (the outbox entry's change
   *     id, {@code subject@n})
   */
  public static List<CloudEvent> of(String replicaId, RecordView view, String version, long timeMillis, String traceparent) {
    List<CloudEvent> events = new ArrayList<>(1 + view.conflicts().size());
    events.add(updated(replicaId, view, replicaId + ":" + version, timeMillis, traceparent));
    for (Map.Entry<String, List<JsonValue>> c : view.conflicts().entrySet()) {
      Conflict conflict = new Conflict(view.key(), c.getKey(), c.getValue(), replicaId);
      events.add(ChangeEvents.conflictEvent(conflict, timeMillis, conflictId(conflict)));
    }
    return events;
  }

  /** The updated event: the view as {@code GET /records} answers it. */
  public static CloudEvent updated(String replicaId, RecordView view, String id, long timeMillis, String traceparent) {
    RecordKey key = view.key();
    CloudEventBuilder b = CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create(ChangeEvents.SOURCE_PREFIX + replicaId))
        .withType(UPDATED_TYPE)
        .withSubject(key.subject())
        .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(timeMillis), ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withExtension("partitionkey", key.subject())
        .withData(ViewCodec.encode(view));
    if (traceparent != null) {
      b.withExtension("traceparent", traceparent);
    }
    return b.build();
  }

  private static String conflictId(Conflict conflict) {
    StringBuilder canonical = new StringBuilder(conflict.replica()).append('\n')
        .append(conflict.key().subject()).append('\n').append(conflict.field());
    conflict.values().stream().map(JsonValue::json).sorted().forEach(v -> canonical.append('\n').append(v));
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return conflict.replica() + ":conflict:" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
