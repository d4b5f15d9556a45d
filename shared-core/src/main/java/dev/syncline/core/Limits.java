package dev.syncline.core;

import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.Dot;
import java.time.Duration;

/**
 * The limits every replica enforces alike, whatever its cloud (DESIGN sections 5.7 and 5.8), so
 * that no cloud acknowledges what a peer must refuse.
 *
 * <ul>
 *   <li>{@link #MAX_RECORD_BYTES}: a record's state, encoded, after a local write. An intent that
 *       would take a record past it is rejected before it is acknowledged, and dead-lettered with
 *       the reason, unless it only removes ({@code unset}, {@code remove}, {@code delete}).
 *       Concurrent writes on several replicas, each within the limit, can merge into a record of
 *       up to the number of replicas times the limit (a replica's own entries never pass it). Such
 *       a record takes only removals until it is back under the limit.
 *   <li>{@link #MAX_STORED_BYTES}: everything a store keeps for a record (state, outbox, applied
 *       intents, key), sized to the smallest store: DynamoDB's 400 KB item. {@link #MAX_REPLICAS}
 *       merged states ({@value #MAX_REPLICAS} × 120 KiB = 360 KiB) plus the most bookkeeping a
 *       record carries (about 25 KiB: {@value #MAX_LOCAL_INTENTS} local intent keys, 128 from
 *       peers, 128 per outbox entry, each about 40 bytes) fit it, so no peer ever has to refuse a
 *       merge that its origin took.
 *   <li>{@link #MAX_CHANGE_BYTES}: one replicated change on the wire, the ingress's body limit. A
 *       change is never larger than the record it is read from plus its context and envelope, and
 *       one that would be larger still (a record grown past the limit by merges) is split into
 *       several changes that each fit.
 *   <li>{@link #MAX_CLOCK_AHEAD}: how far ahead of the receiver's clock a peer's stamps may be. A
 *       change stamped further ahead is not merged, so that a wrong or hostile clock cannot carry a
 *       record to the end of time. Up to {@link #MAX_RETRYABLE_AHEAD} it is refused as ahead of
 *       the receiver (409) and the sender retries it, since it may be the receiver's clock that is
 *       behind; further than that it is refused as malformed (400). Stamps between the skew
 *       allowance (5 minutes) and this bound are merged and counted as clock skew.
 *   <li>{@link Dot#MAX_PEER_COUNTER}: the highest dot counter a peer's change may carry, so that a
 *       forged counter cannot use up the counters this replica needs for its own writes.
 * </ul>
 */
public final class Limits {

  /** The largest encoded state a local write may leave a record with: 120 KiB. */
  public static final int MAX_RECORD_BYTES = 120 * 1024;

  /**
   * The most a store may need to keep for one record, encoded: DynamoDB's 400 KB item less 1 KiB
   * for attribute names and numbers. Every store holds at least this much.
   */
  public static final int MAX_STORED_BYTES = 400 * 1024 - 1024;

  /**
   * The most replicas one deployment may have: the merged state of this many, each within {@link
   * #MAX_RECORD_BYTES}, plus the bookkeeping, fits {@link #MAX_STORED_BYTES}.
   */
  public static final int MAX_REPLICAS = 3;

  /**
   * The most change-feed subscribers one replica may have. A subscriber's outbox entry carries no
   * intent keys, only a few dot ranges (well under 1 KiB), so these fit the bookkeeping margin of
   * {@link #MAX_STORED_BYTES} beside the peers' entries.
   */
  public static final int MAX_SUBSCRIBERS = 4;

  /**
   * The most applied-intent keys a record keeps of its own: the newest 128 always, and older ones
   * whose completion the dedupe store never confirmed, up to this many in all.
   */
  public static final int MAX_LOCAL_INTENTS = 256;

  /** The largest request body a replica's ingress takes, and so the largest change sent: 256 KiB. */
  public static final int MAX_CHANGE_BYTES = 256 * 1024;

  /** How far ahead of local time a peer's stamps may be: one day. */
  public static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);

  /**
   * How far ahead a change may be stamped and still be retried rather than refused: {@link
   * #MAX_CLOCK_AHEAD} plus the seven days a sender keeps an undelivered change by default. A
   * receiver whose clock is further behind than this cannot catch up before the sender gives up.
   */
  public static final Duration MAX_RETRYABLE_AHEAD = Duration.ofDays(8);

  private Limits() {}

  /** True if a stamp's wall time is no further than {@link #MAX_CLOCK_AHEAD} ahead of {@code nowMillis}. */
  static boolean plausible(long wallMillis, long nowMillis) {
    return wallMillis <= Math.min(Hlc.MAX_WALL, nowMillis + MAX_CLOCK_AHEAD.toMillis());
  }

  /** True if a stamp is ahead of {@code nowMillis} by no more than {@link #MAX_RETRYABLE_AHEAD}. */
  static boolean retryable(long wallMillis, long nowMillis) {
    return wallMillis - nowMillis <= MAX_RETRYABLE_AHEAD.toMillis();
  }
}
