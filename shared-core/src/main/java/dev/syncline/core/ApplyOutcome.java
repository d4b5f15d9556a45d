package dev.syncline.core;

import dev.syncline.core.crdt.RecordState;

/**
 * What applying an intent or a remote change did. These are expected outcomes, not errors; the
 * unexpected ones are {@link SynclineException}s.
 */
public sealed interface ApplyOutcome {

  /** The name used in the ingress answer {@code {"outcome": ...}}. */
  String outcome();

  /** The write is durable; {@code delta} is what it added. */
  record Applied(RecordKey key, long version, RecordState delta) implements ApplyOutcome {
    @Override
    public String outcome() {
      return "applied";
    }
  }

  /** Nothing new: the intent was applied before, or the change was already merged. */
  record Duplicate(RecordKey key) implements ApplyOutcome {
    @Override
    public String outcome() {
      return "duplicate";
    }
  }

  /**
   * The intent can never apply: it does not fit the schema ({@code SCHEMA_VIOLATION}) or would
   * take the record past {@link Limits#MAX_RECORD_BYTES} ({@code TOO_LARGE}); nothing was written.
   * Send it to the dead-letter path with {@code reason}; do not retry.
   */
  record Rejected(RecordKey key, SynclineException.Kind kind, String reason) implements ApplyOutcome {

    /** A schema violation. */
    public Rejected(RecordKey key, String reason) {
      this(key, SynclineException.Kind.SCHEMA_VIOLATION, reason);
    }

    @Override
    public String outcome() {
      return "rejected";
    }
  }

  /** Another invocation is applying the same intent right now; retry after the lease. */
  record InProgress(RecordKey key, long retryAfterMillis) implements ApplyOutcome {
    @Override
    public String outcome() {
      return "in_progress";
    }
  }
}
