package dev.syncline.core.port;

import dev.syncline.core.crdt.Causality;

/**
 * Port: the replica's operational signals. Adapters map them to CloudWatch EMF, Application
 * Insights or Cloud Monitoring; {@code InMemoryMetrics} keeps them for tests and the demo.
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

  /** After a scheduled drain pass: records still owing a peer a change (up to the pass's limit). */
  void outboxDepth(long pending);

  /** An intent or change went to the dead-letter sink. */
  void deadLettered();

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
        public void deadLettered() {}
      };
}
