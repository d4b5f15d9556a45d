package dev.syncline.core.port;

import dev.syncline.core.crdt.RecordState;

/**
 * What a record still owes one peer: the join of every delta not yet acknowledged by it. Deltas
 * coalesce (a join), so a record owes each peer at most one entry however long the peer is down.
 *
 * @param peer the peer replica id
 * @param delta the joined deltas to ship
 * @param changeId the CloudEvent id of the change as it stands; changes whenever the delta grows
 * @param firstPendingMillis when the oldest unsent delta in it was written (for max age and the
 *     change's {@code time})
 * @param attempts failed deliveries so far
 * @param nextAttemptMillis no delivery before this time (backoff)
 * @param traceparent W3C trace context of the latest write joined in, or null
 */
public record OutboxEntry(
    String peer,
    RecordState delta,
    String changeId,
    long firstPendingMillis,
    int attempts,
    long nextAttemptMillis,
    String traceparent) {

  /** A first entry for a peer. */
  public static OutboxEntry first(
      String peer, RecordState delta, String changeId, long nowMillis, String traceparent) {
    return new OutboxEntry(peer, delta, changeId, nowMillis, 0, nowMillis, traceparent);
  }

  /**
   * The entry after one more delta joined in. It is due at once unless deliveries are already
   * failing, in which case the backoff stands so that a down peer is not hammered by every write.
   */
  public OutboxEntry plus(RecordState more, String newChangeId, long nowMillis, String trace) {
    return new OutboxEntry(
        peer, delta.join(more), newChangeId, firstPendingMillis, attempts,
        attempts == 0 ? nowMillis : nextAttemptMillis,
        trace != null ? trace : traceparent);
  }

  /**
   * The entry after the part pending since {@code firstPendingMillis} was settled (delivered or
   * dead-lettered) while more was joined in: its age restarts at {@code settledFrom}, the time
   * the settled part was read, and it is due at once with no failed attempts.
   */
  public OutboxEntry restartedAt(long settledFrom) {
    return new OutboxEntry(
        peer, delta, changeId, Math.max(firstPendingMillis, settledFrom), 0,
        Math.min(nextAttemptMillis, settledFrom), traceparent);
  }

  /** The entry after a failed delivery. */
  public OutboxEntry failed(long nextAttemptMillis) {
    return new OutboxEntry(
        peer, delta, changeId, firstPendingMillis, attempts + 1, nextAttemptMillis, traceparent);
  }
}
