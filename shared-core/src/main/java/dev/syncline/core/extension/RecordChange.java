package dev.syncline.core.extension;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Causality;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordView;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One durable change to a record, as a {@link ChangeListener} sees it.
 *
 * @param key the record
 * @param before its view before the change ({@code exists() == false} if it had none)
 * @param after its view after the change
 * @param changedFields fields whose value or siblings differ between the two views
 * @param origin the replica whose write this is: this replica for a local intent, the peer's id
 *     for a remote change
 * @param causality how the change relates to what this replica held before it: {@code AFTER}
 *     for a local write, which has seen everything here; {@code CONCURRENT} when a remote change
 *     had not seen all of it
 */
public record RecordChange(
    RecordKey key,
    RecordView before,
    RecordView after,
    SortedSet<String> changedFields,
    String origin,
    Causality causality) {

  public RecordChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    changedFields = Collections.unmodifiableSortedSet(new TreeSet<>(changedFields));
  }

  /** The change between two views of {@code key}; its changed fields are computed from them. */
  public static RecordChange between(RecordView before, RecordView after, String origin, Causality causality) {
    TreeSet<String> changed = new TreeSet<>();
    TreeSet<String> names = new TreeSet<>(before.fields().keySet());
    names.addAll(after.fields().keySet());
    names.addAll(before.conflicts().keySet());
    names.addAll(after.conflicts().keySet());
    for (String name : names) {
      JsonValue was = before.fields().get(name);
      JsonValue is = after.fields().get(name);
      List<JsonValue> wasSiblings = before.conflicts().get(name);
      List<JsonValue> isSiblings = after.conflicts().get(name);
      if (!Objects.equals(was, is) || !Objects.equals(wasSiblings, isSiblings)) {
        changed.add(name);
      }
    }
    return new RecordChange(after.key(), before, after, changed, origin, causality);
  }

  /** True if the change was written by this replica ({@code replicaId}). */
  public boolean isLocal(String replicaId) {
    return origin.equals(replicaId);
  }
}
