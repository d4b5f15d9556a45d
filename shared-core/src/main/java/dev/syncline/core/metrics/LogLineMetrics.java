package dev.syncline.core.metrics;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.crdt.Causality;
import dev.syncline.core.port.Metrics;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Metrics as log lines: each signal becomes one line, in a cloud's log-to-metric format, handed to
 * {@code out} (stdout in the functions, where the platform's log agent picks it up). Counts are
 * emitted as 1 per event, so dashboards and alarms sum them; {@link Metrics#changeMerged} gives
 * two lines, {@link Signal#CHANGES_MERGED} and {@link Signal#REPLICATION_LAG}.
 *
 * <p>Thread-safe if {@code out} is: {@code System.out::println} writes each line whole.
 */
public final class LogLineMetrics implements Metrics {

  /** How one signal's value is written as one log line (no line break) in a cloud's format. */
  @FunctionalInterface
  public interface LineFormat {

    /**
     * @param replicaId the replica the value belongs to (the metric's dimension)
     * @param value 1 for a count of one event; milliseconds or a depth otherwise
     * @param epochMillis when it was measured
     */
    String line(String replicaId, Signal signal, long value, long epochMillis);
  }

  private static final Pattern REPLICA_ID = Pattern.compile("[a-z0-9-]{1,40}");

  private final String replicaId;
  private final LineFormat format;
  private final Consumer<String> out;
  private final Clock clock;

  /**
   * @param replicaId the replica, {@code [a-z0-9-]{1,40}} (DESIGN section 3)
   * @throws IllegalArgumentException for any other replica id
   */
  public LogLineMetrics(String replicaId, LineFormat format, Consumer<String> out, Clock clock) {
    if (replicaId == null || !REPLICA_ID.matcher(replicaId).matches()) {
      throw new IllegalArgumentException("a replica id is [a-z0-9-]{1,40}, not " + replicaId);
    }
    this.replicaId = replicaId;
    this.format = Objects.requireNonNull(format);
    this.out = Objects.requireNonNull(out);
    this.clock = Objects.requireNonNull(clock);
  }

  private void emit(Signal signal, long value) {
    out.accept(format.line(replicaId, signal, value, clock.millis()));
  }

  @Override
  public void intentApplied() {
    emit(Signal.INTENTS_APPLIED, 1);
  }

  @Override
  public void duplicate() {
    emit(Signal.DUPLICATES, 1);
  }

  @Override
  public void conflict() {
    emit(Signal.CONFLICTS, 1);
  }

  @Override
  public void changeMerged(Causality causality, long propagationMillis) {
    emit(Signal.CHANGES_MERGED, 1);
    emit(Signal.REPLICATION_LAG, propagationMillis);
  }

  @Override
  public void clockSkew() {
    emit(Signal.CLOCK_SKEWS, 1);
  }

  @Override
  public void outboxDepth(long pending) {
    emit(Signal.OUTBOX_PENDING, pending);
  }

  @Override
  public void outboxAge(long oldestMillis) {
    emit(Signal.OUTBOX_AGE, oldestMillis);
  }

  @Override
  public void deadLettered() {
    emit(Signal.DEAD_LETTERS, 1);
  }

  @Override
  public void repaired() {
    emit(Signal.REPAIRED, 1);
  }

  @Override
  public void antiEntropyExchange() {
    emit(Signal.ANTI_ENTROPY_EXCHANGES, 1);
  }

  @Override
  public void replayed() {
    emit(Signal.REPLAYED, 1);
  }

  @Override
  public void listenerFailed() {
    emit(Signal.LISTENER_FAILURES, 1);
  }

  @Override
  public void schemaMismatch() {
    emit(Signal.SCHEMA_MISMATCHES, 1);
  }

  @Override
  public void feedPending(long records) {
    emit(Signal.FEED_PENDING, records);
  }

  @Override
  public void feedAge(long oldestMillis) {
    emit(Signal.FEED_AGE, oldestMillis);
  }
}
