package dev.syncline.core.crdt;

import dev.syncline.core.clock.Hlc;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A causal counter with observed reset. Each replica keeps one contribution: the running sum of
 * its own increments, tagged with the dot of its latest increment. A reset ({@code unset}, or a
 * record delete) records, per replica, the contribution it observed as a watermark; the value is
 * the sum over replicas of contribution minus watermark. So a reset removes exactly what its
 * writer had seen and concurrent increments survive; state stays bounded by the number of
 * replicas. Contributions and watermarks from one replica are totally ordered by their dot
 * counter, so the join keeps the higher of each (compare the causal counter of Baquero's
 * delta-enabled-crdts, whose reset instead loses concurrent increments folded into a
 * contribution, and the PN-counter of Shapiro et al. 2011).
 */
public record Counter(SortedMap<String, Contribution> contributions, SortedMap<String, Contribution> resets)
    implements FieldState {

  public static final Counter EMPTY =
      new Counter(Collections.emptySortedMap(), Collections.emptySortedMap());

  /** A replica's running sum as of its increment with dot counter {@code counter}. */
  public record Contribution(long counter, long sum, Hlc hlc) {}

  public Counter {
    contributions = Collections.unmodifiableSortedMap(new TreeMap<>(contributions));
    resets = Collections.unmodifiableSortedMap(new TreeMap<>(resets));
  }

  @Override
  public FieldType type() {
    return FieldType.COUNTER;
  }

  @Override
  public Counter join(FieldState other, CausalContext mine, CausalContext theirs) {
    Counter that = (Counter) other;
    return new Counter(newest(contributions, that.contributions), newest(resets, that.resets));
  }

  private static SortedMap<String, Contribution> newest(
      Map<String, Contribution> a, Map<String, Contribution> b) {
    TreeMap<String, Contribution> out = new TreeMap<>(a);
    b.forEach((replica, c) -> out.merge(replica, c, (x, y) -> x.counter() >= y.counter() ? x : y));
    return out;
  }

  /**
   * Delta of {@code by} added by the replica of {@code dot}.
   *
   * @throws ArithmeticException if the replica's running sum (every increment it ever made to
   *     this counter, resets notwithstanding) would overflow 64 bits
   */
  public Counter increment(Dot dot, long by, Hlc hlc) {
    Contribution own = contributions.get(dot.replica());
    long sum = Math.addExact(own == null ? 0 : own.sum(), by);
    return new Counter(
        new TreeMap<>(Map.of(dot.replica(), new Contribution(dot.counter(), sum, hlc))),
        Collections.emptySortedMap());
  }

  /** Delta that resets everything this state has observed. */
  public Counter reset() {
    return new Counter(contributions, newest(resets, contributions));
  }

  /**
   * The counter's value: every observed increment exactly once, less what was reset. Exact even
   * where concurrent increments from several replicas add up beyond 64 bits.
   */
  public BigInteger value() {
    BigInteger total = BigInteger.ZERO;
    for (Map.Entry<String, Contribution> e : contributions.entrySet()) {
      total = total.add(BigInteger.valueOf(e.getValue().sum()))
          .subtract(BigInteger.valueOf(watermark(e.getKey(), Contribution::sum)));
    }
    return total;
  }

  private long watermark(String replica, Function<Contribution, Long> part) {
    Contribution reset = resets.get(replica);
    return reset == null ? 0 : part.apply(reset);
  }

  /** Counters join without contexts, so joining with bottom never changes them. */
  @Override
  public boolean survives(CausalContext other) {
    return true;
  }

  @Override
  public boolean isBottom() {
    return contributions.isEmpty() && resets.isEmpty();
  }

  /** Live when some replica has increments after the last reset that observed it. */
  @Override
  public boolean isLive() {
    for (Map.Entry<String, Contribution> e : contributions.entrySet()) {
      if (e.getValue().counter() > watermark(e.getKey(), Contribution::counter)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Hlc latest() {
    Hlc max = Hlc.ZERO;
    for (Map.Entry<String, Contribution> e : contributions.entrySet()) {
      if (e.getValue().counter() > watermark(e.getKey(), Contribution::counter)) {
        max = Hlc.max(max, e.getValue().hlc());
      }
    }
    return max;
  }

  @Override
  public void forEachDot(Consumer<Dot> action) {
    contributions.forEach((replica, c) -> action.accept(new Dot(replica, c.counter())));
  }
}
