package dev.syncline.core.crdt;

import java.util.List;

/**
 * Application hook for conflicts: given a conflict, returns the ops that resolve it (usually one
 * {@code set} of the chosen value), or an empty list to leave the conflict visible. The ops are
 * applied as a local write, which supersedes the siblings it has seen and is replicated like any
 * other write. Make it deterministic: if two replicas resolve the same conflict concurrently to
 * the same value, the siblings agree and no conflict remains.
 *
 * <pre>{@code
 * ConflictHandler longestEmail = conflict -> List.of(new Op.Set(conflict.field(),
 *     conflict.values().stream().max(Comparator.comparing(v -> v.json().length())).orElseThrow()));
 * }</pre>
 */
@FunctionalInterface
public interface ConflictHandler {

  List<Op> resolve(Conflict conflict);

  /** Leaves every conflict visible in the view. */
  ConflictHandler KEEP_SIBLINGS = conflict -> List.of();
}
