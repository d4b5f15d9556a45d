package dev.syncline.core.crdt;

import dev.syncline.core.RecordKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A field of a record that shows more than one value after a write: concurrent register siblings
 * with different values, or one name used with two types. Carried by the {@code
 * dev.syncline.record.conflict.v1} event.
 *
 * @param key the record
 * @param field the field name
 * @param values the distinct values, the one the view shows first
 * @param replica the replica that observed it
 */
public record Conflict(RecordKey key, String field, List<JsonValue> values, String replica) {

  public Conflict {
    values = List.copyOf(values);
  }

  /** The conflicts {@code after} shows that {@code before} did not show in the same form. */
  public static List<Conflict> appearing(RecordView before, RecordView after, String replica) {
    List<Conflict> out = new ArrayList<>();
    after
        .conflicts()
        .forEach(
            (field, values) -> {
              if (!Objects.equals(before.conflicts().get(field), values)) {
                out.add(new Conflict(after.key(), field, values, replica));
              }
            });
    return out;
  }
}
