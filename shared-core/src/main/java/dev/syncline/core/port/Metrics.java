package dev.syncline.core.port;

import dev.syncline.core.crdt.Causality;

/**
 * Port: the replica's operational signals. {@code LogLineMetrics} writes each as one log line in
 * the cloud's log-to-metric format (CloudWatch EMF, an Application Insights trace, a Cloud Logging
 * JSON entry); {@code InMemoryMetrics} keeps them for tests and the demo.
 *
 * <p>Implementations are called on the request path, from any thread: keep them cheap and
 * thread-safe.
 */
public interface Metrics {

  /** A write intent took effect. */
  void intentApplied();

  /** A delivery was recognized as already applied (intent or change). */
  void duplicate();

  /** A write left concurrent siblings or clashing types on a field. */
  void conflict();

  /** A remote change was merged; how its history related to the local one, and its latency. */
  void changeMerged(Causality causality, long propagationMillis);

  /** A remote stamp was ahead of local wall time by more than the allowed skew. */
  void clockSkew();

  /**
   * After a scheduled drain pass: records still owing a peer or a subscriber anything (up to the
   * pass's limit); {@link #feedPending} tells the subscribers' part apart.
   */
  void outboxDepth(long pending);

  /**
   * After a scheduled drain pass: how long, in milliseconds, the oldest change still owed to a peer
   * has been waiting, over the records that pass visited; 0 when they owe nothing. A record waiting
   * out a backoff is not visited, so a single pass can miss it; it is visited again within the
   * backoff cap (60 s by default) plus one drain period, so the maximum over a few minutes covers
   * every owing record.
   */
  void outboxAge(long oldestMillis);

  /** An intent or change went to the dead-letter sink. */
  void deadLettered();

  /**
   * Anti-entropy changed a record's state: a peer's state pulled and merged here, or this
   * replica's state pushed to a peer that lacked part of it.
   */
  default void repaired() {}

  /** Anti-entropy compared this replica's buckets with one peer (one round, one peer). */
  default void antiEntropyExchange() {}

  /** A dead letter was replayed, whatever came of it. */
  default void replayed() {}

  /**
   * After a scheduled drain pass, on a replica with subscribers: records the pass visited that
   * still owe a subscriber its feed events (the feed's backlog, apart from the peers').
   */
  default void feedPending(long records) {}

  /** After a scheduled drain pass: the age of the oldest feed event still owed, as {@link #outboxAge}. */
  default void feedAge(long oldestMillis) {}

  /** An extension's change listener threw; the change stands. */
  default void listenerFailed() {}

  /**
   * A change arrived from a peer whose schemas differ from this replica's (another fingerprint);
   * it was merged all the same, since fields are keyed by name and type.
   */
  default void schemaMismatch() {}

  Metrics NONE =
      new Metrics() {
        @Override
        public void intentApplied() {}

        @Override
        public void duplicate() {}

        @Override
        public void conflict() {}

        @Override
        public void changeMerged(Causality causality, long propagationMillis) {}

        @Override
        public void clockSkew() {}

        @Override
        public void outboxDepth(long pending) {}

        @Override
        public void outboxAge(long oldestMillis) {}

        @Override
        public void deadLettered() {}
      };
}
