package dev.syncline.core.metrics;

/**
 * The metrics a replica emits, with the names and units that dashboards and alarms (Terraform)
 * depend on. The names are a contract: renaming one breaks every alarm built on it.
 */
public enum Signal {
  /** A write intent took effect ({@code Metrics.intentApplied}). */
  INTENTS_APPLIED("IntentsApplied", "Count"),
  /** A delivery, intent or change, was already applied ({@code Metrics.duplicate}). */
  DUPLICATES("Duplicates", "Count"),
  /** A write left concurrent siblings or clashing types on a field ({@code Metrics.conflict}). */
  CONFLICTS("Conflicts", "Count"),
  /** A remote change was merged ({@code Metrics.changeMerged}). */
  CHANGES_MERGED("ChangesMerged", "Count"),
  /** Time from a merged change's write at its origin to its merge here, measured by the receiver. */
  REPLICATION_LAG("ReplicationLag", "Milliseconds"),
  /** A remote stamp was ahead of local wall time by more than the allowed skew. */
  CLOCK_SKEWS("ClockSkews", "Count"),
  /** After a scheduled drain: records still owing a peer or a subscriber ({@code Metrics.outboxDepth}). */
  OUTBOX_PENDING("OutboxPending", "Count"),
  /** After a scheduled drain: age of the oldest change still owed ({@code Metrics.outboxAge}). */
  OUTBOX_AGE("OutboxAge", "Milliseconds"),
  /** An intent or change went to the dead-letter sink ({@code Metrics.deadLettered}). */
  DEAD_LETTERS("DeadLetters", "Count"),
  /** Anti-entropy changed a record's state, here or at a peer ({@code Metrics.repaired}). */
  REPAIRED("Repaired", "Count"),
  /** Anti-entropy compared buckets with a peer ({@code Metrics.antiEntropyExchange}). */
  ANTI_ENTROPY_EXCHANGES("AntiEntropyExchanges", "Count"),
  /** A dead letter was replayed ({@code Metrics.replayed}). */
  REPLAYED("Replayed", "Count"),
  /** An extension's change listener threw ({@code Metrics.listenerFailed}). */
  LISTENER_FAILURES("ListenerFailures", "Count"),
  /** A peer's change carried another schema fingerprint ({@code Metrics.schemaMismatch}). */
  SCHEMA_MISMATCHES("SchemaMismatch", "Count"),
  /** After a drain: records still owing a subscriber feed events ({@code Metrics.feedPending}). */
  FEED_PENDING("FeedPending", "Count"),
  /** After a drain: age of the oldest feed event still owed ({@code Metrics.feedAge}). */
  FEED_AGE("FeedAge", "Milliseconds");

  private final String metricName;
  private final String unit;

  Signal(String metricName, String unit) {
    this.metricName = metricName;
    this.unit = unit;
  }

  /** The metric's name, e.g. {@code DeadLetters}. */
  public String metricName() {
    return metricName;
  }

  /** Its unit as CloudWatch spells it: {@code Count} or {@code Milliseconds}. */
  public String unit() {
    return unit;
  }
}
