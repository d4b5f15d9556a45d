package dev.syncline.core.event;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.json.Json;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.Dot;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordState;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds and reads the replicated-change CloudEvent ({@code dev.syncline.record.changed.v1},
 * DESIGN section 4) and maps it to and from HTTP in binary or structured mode through the
 * CloudEvents SDK's HTTP binding.
 */
public final class ChangeEvents {

  public static final String TYPE = "dev.syncline.record.changed.v1";
  public static final String SOURCE_PREFIX = "/syncline/replicas/";
  public static final String CONFLICT_TYPE = "dev.syncline.record.conflict.v1";
  /**
   * The extension attribute that carries the sender's schema fingerprint ({@code
   * Schemas.fingerprint}); a receiver whose own differs still merges, and counts it.
   */
  public static final String SCHEMA = "synclineschema";
  private static final URI DATASCHEMA = URI.create("urn:syncline:" + DeltaCodec.FORMAT);

  private ChangeEvents() {}

  /**
   * A change read from a peer.
   *
   * @param intents dedupe keys of the intents the origin applied in it, to when
   */
  public record RemoteChange(
      String origin, RecordKey key, String id, long timeMillis, RecordState delta, SortedMap<String, Long> intents) {

    public RemoteChange {
      intents = Collections.unmodifiableSortedMap(new TreeMap<>(intents));
    }

    /** A change that carries no intent keys. */
    public RemoteChange(String origin, RecordKey key, String id, long timeMillis, RecordState delta) {
      this(origin, key, id, timeMillis, delta, Collections.emptySortedMap());
    }
  }

  /** Builds a change event that carries no intent keys. */
  public static CloudEvent build(
      String origin, RecordKey key, String changeId, long timeMillis, RecordState delta, String traceparent) {
    return build(origin, key, changeId, timeMillis, delta, Collections.emptySortedMap(), traceparent);
  }

  /**
   * Builds the change event for {@code delta} of record {@code key}, written at {@code origin}.
   *
   * @param intents dedupe keys of the intents applied in it, to when (DESIGN section 5.4)
   * @param traceparent W3C trace context to carry, or null to derive one from the change id
   */
  public static CloudEvent build(
      String origin, RecordKey key, String changeId, long timeMillis, RecordState delta,
      SortedMap<String, Long> intents, String traceparent) {
    return build(origin, key, changeId, timeMillis, DeltaCodec.encode(delta, intents), traceparent);
  }

  /** Builds a change event whose data, {@link DeltaCodec#encode(RecordState, SortedMap)}, is already encoded. */
  public static CloudEvent build(
      String origin, RecordKey key, String changeId, long timeMillis, byte[] data, String traceparent) {
    return CloudEventBuilder.v1()
        .withId(changeId)
        .withSource(URI.create(SOURCE_PREFIX + origin))
        .withType(TYPE)
        .withSubject(key.subject())
        .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(timeMillis), ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withDataSchema(DATASCHEMA)
        .withExtension("partitionkey", key.subject())
        .withExtension("traceparent", traceparent != null ? traceparent : traceparentFor(changeId))
        .withData(data)
        .build();
  }

  /** {@code event} with the schema fingerprint {@code schema} attached, or as it is if that is null. */
  public static CloudEvent withSchema(CloudEvent event, String schema) {
    return schema == null ? event : CloudEventBuilder.v1(event).withExtension(SCHEMA, schema).build();
  }

  /** The schema fingerprint a change event carries, if any. */
  public static java.util.Optional<String> schemaOf(CloudEvent event) {
    Object value = event.getExtension(SCHEMA);
    return value == null ? java.util.Optional.empty() : java.util.Optional.of(value.toString());
  }

  /**
   * Validates a change event and reads its delta.
   *
   * @throws SynclineException MALFORMED naming what does not fit
   */
  public static RemoteChange read(CloudEvent event) {
    if (!TYPE.equals(event.getType())) {
      throw SynclineException.malformed("type must be " + TYPE);
    }
    String source = event.getSource().toString();
    if (!source.startsWith(SOURCE_PREFIX)) {
      throw SynclineException.malformed("source must be " + SOURCE_PREFIX + "{replicaId}");
    }
    String origin = source.substring(SOURCE_PREFIX.length());
    RecordKey key;
    try {
      Dot.requireReplicaId(origin);
      key = RecordKey.fromSubject(event.getSubject());
    } catch (IllegalArgumentException e) {
      throw SynclineException.malformed(e.getMessage());
    }
    if (event.getDataContentType() != null && !IntentParser.isJson(event.getDataContentType())) {
      throw SynclineException.malformed("datacontenttype must be application/json");
    }
    if (event.getData() == null) {
      throw SynclineException.malformed("data is required: a " + DeltaCodec.FORMAT + " delta");
    }
    long time;
    try {
      time = event.getTime() == null ? 0 : event.getTime().toInstant().toEpochMilli();
    } catch (ArithmeticException e) {
      throw SynclineException.malformed("time is out of range");
    }
    if (time < 0 || time > dev.syncline.core.clock.Hlc.MAX_WALL) {
      throw SynclineException.malformed("time is out of range");
    }
    // A structured event read with Json.readCloudEvent holds its data as an exact tree already (a
    // tree some other reader rounded is refused by JsonValue, never taken as is).
    DeltaCodec.Change data = event.getData() instanceof JsonCloudEventData tree
        ? DeltaCodec.readChange(tree.getNode())
        : DeltaCodec.decodeChange(event.getData().toBytes());
    return new RemoteChange(origin, key, event.getId(), time, data.delta(), data.intents());
  }

  /** An HTTP message: headers and body. */
  public record HttpMessage(Map<String, String> headers, byte[] body) {}

  /** Binary mode: attributes as {@code ce-} headers, the delta as the body. */
  public static HttpMessage toBinary(CloudEvent event) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[][] body = new byte[1][];
    HttpMessageFactory.createWriter(headers::put, b -> body[0] = b).writeBinary(event);
    return new HttpMessage(headers, body[0] == null ? new byte[0] : body[0]);
  }

  /** Structured mode: the whole event as {@code application/cloudevents+json}. */
  public static HttpMessage toStructured(CloudEvent event) {
    Map<String, String> headers = new LinkedHashMap<>();
    byte[][] body = new byte[1][];
    HttpMessageFactory.createWriter(headers::put, b -> body[0] = b)
        .writeStructured(event, JsonFormat.CONTENT_TYPE);
    return new HttpMessage(headers, body[0]);
  }

  /**
   * Reads a binary-mode CloudEvent: attributes as {@code ce-} headers (or Pub/Sub message
   * attributes, names in any case), the data as {@code body}. Only the Pub/Sub binding uses it;
   * the HTTPS ingress takes structured mode only (DESIGN section 6), read with {@link
   * Json#readCloudEvent}.
   *
   * @throws SynclineException MALFORMED if it is not a valid binary-mode CloudEvent
   */
  public static CloudEvent fromBinary(Map<String, String> headers, byte[] body) {
    TreeMap<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, value) -> ci.put(name.toLowerCase(java.util.Locale.ROOT), value));
    if (!ci.containsKey("ce-specversion")) {
      throw SynclineException.malformed("not a binary-mode CloudEvent: ce-specversion is missing");
    }
    ci.remove("content-type");
    String type = ci.get("ce-datacontenttype");
    if (type != null) {
      ci.put("content-type", type);
    }
    try {
      MessageReader reader = HttpMessageFactory.createReader(ci, body);
      return reader.toEvent();
    } catch (RuntimeException e) {
      // The SDK reports missing and invalid attributes with several exception types.
      throw SynclineException.malformed("not a CloudEvent: " + Json.describe(e), e);
    }
  }

  /**
   * The {@code dev.syncline.record.conflict.v1} event for a conflict, for sinks that publish
   * conflicts to a bus: data {@code {"entity","id","field","values":[winner first],"replica"}}.
   */
  public static CloudEvent conflictEvent(Conflict conflict, long timeMillis) {
    String id = conflict.replica() + ":" + conflict.key().subject() + ":" + conflict.field() + ":" + timeMillis;
    return conflictEvent(conflict, timeMillis, id);
  }

  /** The conflict event with the given {@code id}. */
  public static CloudEvent conflictEvent(Conflict conflict, long timeMillis, String id) {
    StringBuilder data = new StringBuilder(128);
    data.append("{\"entity\":").append(quote(conflict.key().entity()))
        .append(",\"id\":").append(quote(conflict.key().id()))
        .append(",\"field\":").append(quote(conflict.field()))
        .append(",\"values\":[");
    for (int i = 0; i < conflict.values().size(); i++) {
      data.append(i == 0 ? "" : ",").append(conflict.values().get(i).json());
    }
    data.append("],\"replica\":").append(quote(conflict.replica())).append('}');
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create(SOURCE_PREFIX + conflict.replica()))
        .withType(CONFLICT_TYPE)
        .withSubject(conflict.key().subject())
        .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(timeMillis), ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withExtension("partitionkey", conflict.key().subject())
        .withData(data.toString().getBytes(StandardCharsets.UTF_8))
        .build();
  }

  private static String quote(String s) {
    return JsonValue.ofString(s).json();
  }

  /** A W3C traceparent derived from the change id, for changes whose write carried none. */
  static String traceparentFor(String changeId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(changeId.getBytes(StandardCharsets.UTF_8));
      HexFormat hex = HexFormat.of();
      return "00-" + hex.formatHex(h, 0, 16) + "-" + hex.formatHex(h, 16, 24) + "-01";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
