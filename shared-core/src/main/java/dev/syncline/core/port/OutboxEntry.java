package dev.syncline.core.port;

import dev.syncline.core.crdt.CausalContext;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a record still owes one peer: the dots of this replica's writes (and of the values those
 * writes superseded or removed) that the peer has not acknowledged, plus the intents those
 * writes applied. The delta itself is not kept: the drain reads it from the record's current
 * state ({@code RecordState.restrict}), so an entry stays a few ranges per replica however many
 * writes it covers and however long the peer is down, and a change is never larger than the
 * record it comes from.
 *
 * @param peer the peer replica id
 * @param pending dots owed, kept as one range per replica ({@link CausalContext#hull()}): sending
 *     a superset of what is owed is harmless, so the entry never grows with the number of writes
 * @param intents dedupe key to applied-at millis of the intents applied by the writes owed, the
 *     newest {@value #KEPT_INTENTS}, sent along so the peer can recognize a retry of one of them
 * @param changeId the CloudEvent id of the change as it stands; changes with every write joined in
 * @param firstPendingMillis when the oldest unsent write in it was made (for max age and the
 *     change's {@code time})
 * @param attempts failed deliveries so far
 * @param nextAttemptMillis no delivery before this time (backoff)
 * @param traceparent W3C trace context of the latest write joined in, or null
 */
public record OutboxEntry(
    String peer,
    CausalContext pending,
    SortedMap<String, Long> intents,
    String changeId,
    long firstPendingMillis,
    int attempts,
    long nextAttemptMillis,
    String traceparent) {

  /** The most intent keys one entry carries. */
  public static final int KEPT_INTENTS = 128;

  public OutboxEntry {
    intents = Collections.unmodifiableSortedMap(new TreeMap<>(intents));
  }

  /**
   * A first entry for a peer.
   *
   * @param dots the write's delta context: the dots it made and superseded
   * @param intentKey the dedupe key of the intent the write applied, or null
   */
  public static OutboxEntry first(
      String peer, CausalContext dots, String intentKey, String changeId, long nowMillis, String traceparent) {
    TreeMap<String, Long> intents = new TreeMap<>();
    if (intentKey != null) {
      intents.put(intentKey, nowMillis);
    }
    return new OutboxEntry(peer, dots.hull(), intents, changeId, nowMillis, 0, nowMillis, traceparent);
  }

  /**
   * The entry after one more write joined in. It is due at once unless deliveries are already
   * failing, in which case the backoff stands so that a down peer is not hammered by every write.
   */
  public OutboxEntry plus(CausalContext dots, String intentKey, String newChangeId, long nowMillis, String trace) {
    TreeMap<String, Long> more = new TreeMap<>(intents);
    if (intentKey != null) {
      more.put(intentKey, nowMillis);
    }
    return new OutboxEntry(
        peer, pending.merge(dots).hull(), AppliedIntents.newest(more, KEPT_INTENTS), newChangeId, firstPendingMillis,
        attempts, attempts == 0 ? nowMillis : nextAttemptMillis, trace != null ? trace : traceparent);
  }

  /**
   * What is left once {@code sent} (as loaded when it was sent) was delivered while more writes
   * joined in: the dots not sent, the sent dots whose state changed since ({@code changed}), and
   * the intents not sent; restricted to {@code seen} (the record's context now: nothing outside
   * it can be owed). Its age restarts at {@code settledFrom}, the time the sent part was read,
   * and it is due at once with no failed attempts. Empty if nothing is left.
   */
  public Optional<OutboxEntry> after(
      OutboxEntry sent, CausalContext sentDots, CausalContext changed, CausalContext seen, long settledFrom) {
    CausalContext left = pending.intersect(seen).minus(sentDots).merge(changed).hull();
    TreeMap<String, Long> unsent = new TreeMap<>(intents);
    sent.intents.keySet().forEach(unsent::remove);
    if (left.isEmpty() && unsent.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new OutboxEntry(
        peer, left, unsent, changeId, Math.max(firstPendingMillis, settledFrom), 0,
        Math.min(nextAttemptMillis, settledFrom), traceparent));
  }

  /** The entry after a failed delivery. */
  public OutboxEntry failed(long nextAttemptMillis) {
    return new OutboxEntry(
        peer, pending, intents, changeId, firstPendingMillis, attempts + 1, nextAttemptMillis, traceparent);
  }
}
