package dev.syncline.core.event;

import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.RecordState;
import io.cloudevents.CloudEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Cuts what a replica sends a peer of one record into changes that each fit {@link
 * Limits#MAX_CHANGE_BYTES} as sent: the drain's owed dots, and anti-entropy's full states.
 */
public final class ChangeParts {

  private ChangeParts() {}

  /**
   * The change events that carry {@code state} restricted to {@code dots}: one, or, if that would
   * not fit, the dots cut in halves until each part fits (a part of one dot is one value, which a
   * record's size limit keeps small enough). {@code intents} ride with the last part: the part
   * popped when nothing else is left to split. A single change has id {@code changeId}; parts
   * have {@code changeId#i/n}. Each carries the sender's schema fingerprint ({@code schema}, see
   * {@link ChangeEvents#SCHEMA}), or none if null.
   */
  public static List<CloudEvent> of(
      String replicaId, RecordKey key, String changeId, long timeMillis, RecordState state, CausalContext dots,
      SortedMap<String, Long> intents, String traceparent, String schema) {
    List<byte[]> parts = new ArrayList<>();
    ArrayDeque<CausalContext> todo = new ArrayDeque<>();
    todo.push(dots.intersect(state.context()));
    while (!todo.isEmpty()) {
      CausalContext part = todo.pop();
      RecordState delta = state.restrict(part);
      boolean last = todo.isEmpty();
      byte[] data = DeltaCodec.encode(delta, last ? intents : Collections.emptySortedMap());
      Optional<CausalContext[]> halves =
          fits(replicaId, key, changeId, timeMillis, data, traceparent, schema) ? Optional.empty() : part.halves();
      if (halves.isPresent()) {
        todo.push(halves.get()[1]);
        todo.push(halves.get()[0]);
      } else {
        parts.add(data);
      }
    }
    List<CloudEvent> out = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      String id = parts.size() == 1 ? changeId : changeId + "#" + (i + 1) + "/" + parts.size();
      out.add(ChangeEvents.withSchema(ChangeEvents.build(replicaId, key, id, timeMillis, parts.get(i), traceparent), schema));
    }
    return out;
  }

  /**
   * True if a change carrying {@code data} fits {@link Limits#MAX_CHANGE_BYTES} as sent: measured
   * on the structured body, with the longest part id, for data in the upper half of the limit
   * (below it, the attributes, a few hundred bytes, cannot make up the rest).
   */
  private static boolean fits(
      String replicaId, RecordKey key, String changeId, long timeMillis, byte[] data, String traceparent, String schema) {
    if (data.length <= Limits.MAX_CHANGE_BYTES / 2) {
      return true;
    }
    String longestId = changeId + "#" + Integer.MAX_VALUE + "/" + Integer.MAX_VALUE;
    CloudEvent probe = ChangeEvents.withSchema(ChangeEvents.build(replicaId, key, longestId, timeMillis, data, traceparent), schema);
    return ChangeEvents.toStructured(probe).body().length <= Limits.MAX_CHANGE_BYTES;
  }
}
