package dev.syncline.core.memory;

import dev.syncline.core.crdt.Causality;
import dev.syncline.core.port.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counts every signal; keeps propagation latencies for percentiles. */
public final class InMemoryMetrics implements Metrics {

  public final AtomicLong intentsApplied = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  public final AtomicLong conflicts = new AtomicLong();
  public final AtomicLong changesMerged = new AtomicLong();
  public final AtomicLong concurrentChanges = new AtomicLong();
  public final AtomicLong clockSkews = new AtomicLong();
  public final AtomicLong outboxDepth = new AtomicLong();
  public final AtomicLong outboxAge = new AtomicLong();
  public final AtomicLong deadLettered = new AtomicLong();
  public final AtomicLong repaired = new AtomicLong();
  public final AtomicLong antiEntropyExchanges = new AtomicLong();
  public final AtomicLong replayed = new AtomicLong();
  public final AtomicLong listenerFailures = new AtomicLong();
  public final AtomicLong schemaMismatches = new AtomicLong();
  public final AtomicLong feedPending = new AtomicLong();
  public final AtomicLong feedAge = new AtomicLong();

  @Override
  public void feedPending(long records) {
    feedPending.set(records);
  }

  @Override
  public void feedAge(long oldestMillis) {
    feedAge.set(oldestMillis);
  }

  @Override
  public void listenerFailed() {
    listenerFailures.incrementAndGet();
  }

  @Override
  public void schemaMismatch() {
    schemaMismatches.incrementAndGet();
  }

  @Override
  public void repaired() {
    repaired.incrementAndGet();
  }

  @Override
  public void antiEntropyExchange() {
    antiEntropyExchanges.incrementAndGet();
  }

  @Override
  public void replayed() {
    replayed.incrementAndGet();
  }
  private final List<Long> latencies = new ArrayList<>();

  @Override
  public void intentApplied() {
    intentsApplied.incrementAndGet();
  }

  @Override
  public void duplicate() {
    duplicates.incrementAndGet();
  }

  @Override
  public void conflict() {
    conflicts.incrementAndGet();
  }

  @Override
  public void changeMerged(Causality causality, long propagationMillis) {
    changesMerged.incrementAndGet();
    if (causality instanceof Causality.Concurrent) {
      concurrentChanges.incrementAndGet();
    }
    synchronized (latencies) {
      latencies.add(propagationMillis);
    }
  }

  @Override
  public void clockSkew() {
    clockSkews.incrementAndGet();
  }

  @Override
  public void outboxDepth(long pending) {
    outboxDepth.set(pending);
  }

  @Override
  public void outboxAge(long oldestMillis) {
    outboxAge.set(oldestMillis);
  }

  @Override
  public void deadLettered() {
    deadLettered.incrementAndGet();
  }

  /** The propagation latencies seen so far, in milliseconds. */
  public List<Long> latencies() {
    synchronized (latencies) {
      return List.copyOf(latencies);
    }
  }
}
