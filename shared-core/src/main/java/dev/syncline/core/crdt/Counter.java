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
 *
 * <p>Running sums are exact integers of up to {@value #SUM_BITS} bits plus sign. A replica's sum
 * only ever grows by its own increments, resets notwithstanding, so a 64-bit sum would run out
 * after a counter was driven to the 64-bit edge, reset, and incremented again; at 127 bits that
 * takes 2^64 increments of the largest size.
 */
public record Counter(SortedMap<String, Contribution> contributions, SortedMap<String, Contribution> resets)
    implements FieldState {

  public static final Counter EMPTY =
      new Counter(Collections.emptySortedMap(), Collections.emptySortedMap());

  /** A running sum is at most this many bits plus a sign. */
  public static final int SUM_BITS = 127;

  /**
   * The widest running sum a change from a peer may carry: 116 bits plus a sign. An honest
   * replica's sum is at most {@link Dot#MAX_PEER_COUNTER} increments of at most 2^63 each, 2^115;
   * the headroom above that up to {@value #SUM_BITS} bits is what keeps a forged sum from using up
   * the sums this replica needs for its own increments (DESIGN 5.8).
   */
  public static final int MAX_PEER_SUM_BITS = 116;

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /**
   * A replica's running sum as of its increment with dot counter {@code counter}.
   *
   * @throws IllegalArgumentException if the counter is not a dot counter or the sum needs more
   *     than {@value #SUM_BITS} bits
   */
  public record Contribution(long counter, BigInteger sum, Hlc hlc) {
    public Contribution {
      if (counter < 1 || counter > Dot.MAX_COUNTER) {
        throw new IllegalArgumentException("a contribution's counter must be a dot counter");
      }
      if (sum.bitLength() > SUM_BITS) {
        throw new IllegalArgumentException("a counter's running sum must fit " + SUM_BITS + " bits and a sign");
      }
    }
  }

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
   * @throws ArithmeticException if the value this state shows would leave the signed 64-bit range,
   *     or move further out of it (increments merged concurrently from several replicas can take
   *     it out; see {@link #value()}), or the replica's running sum would outgrow {@value
   *     #SUM_BITS} bits
   */
  public Counter increment(Dot dot, long by, Hlc hlc) {
    BigInteger before = value();
    BigInteger after = before.add(BigInteger.valueOf(by));
    if (beyondLong(after).compareTo(beyondLong(before)) > 0) {
      throw new ArithmeticException("the counter would leave the signed 64-bit range");
    }
    Contribution own = contributions.get(dot.replica());
    BigInteger sum = (own == null ? BigInteger.ZERO : own.sum()).add(BigInteger.valueOf(by));
    if (sum.bitLength() > SUM_BITS) {
      throw new ArithmeticException("this replica's running sum would outgrow " + SUM_BITS + " bits");
    }
    return new Counter(
        new TreeMap<>(Map.of(dot.replica(), new Contribution(dot.counter(), sum, hlc))),
        Collections.emptySortedMap());
  }

  /** How far a value lies outside the signed 64-bit range; zero inside it. */
  private static BigInteger beyondLong(BigInteger v) {
    if (v.compareTo(LONG_MAX) > 0) {
      return v.subtract(LONG_MAX);
    }
    return v.compareTo(LONG_MIN) < 0 ? LONG_MIN.subtract(v) : BigInteger.ZERO;
  }

  /** True if every running sum, contributed or reset, fits {@value #MAX_PEER_SUM_BITS} bits. */
  public boolean plausibleFromPeer() {
    for (Contribution c : contributions.values()) {
      if (c.sum().bitLength() > MAX_PEER_SUM_BITS) {
        return false;
      }
    }
    for (Contribution c : resets.values()) {
      if (c.sum().bitLength() > MAX_PEER_SUM_BITS) {
        return false;
      }
    }
    return true;
  }

  /** Delta that resets everything this state has observed. */
  public Counter reset() {
    return new Counter(contributions, newest(resets, contributions));
  }

  /**
   * The counter's value: every observed increment exactly once, less what was reset. A replica
   * never takes it out of the signed 64-bit range by its own increments; increments made
   * concurrently on several replicas can, and the value is then still exact.
   *
   * <p>A replica counts only if its contribution is newer than the reset's watermark for it. A
   * state can hold a watermark ahead of the contribution it holds (a change carried the reset but
   * not the newer increments the resetter had seen); everything held of that replica was then
   * reset, so it counts 0 rather than a negative amount that no replica ever showed.
   */
  public BigInteger value() {
    BigInteger total = BigInteger.ZERO;
    for (Map.Entry<String, Contribution> e : contributions.entrySet()) {
      Contribution reset = resets.get(e.getKey());
      if (reset == null) {
        total = total.add(e.getValue().sum());
      } else if (e.getValue().counter() > reset.counter()) {
        total = total.add(e.getValue().sum()).subtract(reset.sum());
      }
    }
    return total;
  }

  private <T> T watermark(String replica, Function<Contribution, T> part, T none) {
    Contribution reset = resets.get(replica);
    return reset == null ? none : part.apply(reset);
  }

  /** The contributions and resets whose dots are in {@code dots}. */
  @Override
  public Counter restrict(CausalContext dots) {
    TreeMap<String, Contribution> c = new TreeMap<>();
    contributions.forEach((replica, x) -> {
      if (dots.contains(new Dot(replica, x.counter()))) {
        c.put(replica, x);
      }
    });
    TreeMap<String, Contribution> r = new TreeMap<>();
    resets.forEach((replica, x) -> {
      if (dots.contains(new Dot(replica, x.counter()))) {
        r.put(replica, x);
      }
    });
    return c.size() == contributions.size() && r.size() == resets.size() ? this : new Counter(c, r);
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
      if (e.getValue().counter() > watermark(e.getKey(), Contribution::counter, 0L)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Hlc latest() {
    Hlc max = Hlc.ZERO;
    for (Map.Entry<String, Contribution> e : contributions.entrySet()) {
      if (e.getValue().counter() > watermark(e.getKey(), Contribution::counter, 0L)) {
        max = Hlc.max(max, e.getValue().hlc());
      }
    }
    return max;
  }

  @Override
  public void forEachStamp(Consumer<Hlc> action) {
    contributions.values().forEach(c -> action.accept(c.hlc()));
    resets.values().forEach(c -> action.accept(c.hlc()));
  }

  @Override
  public void forEachDot(Consumer<Dot> action) {
    contributions.forEach((replica, c) -> action.accept(new Dot(replica, c.counter())));
  }

  @Override
  public void forEachHeldDot(Consumer<Dot> action) {
    forEachDot(action);
    resets.forEach((replica, c) -> action.accept(new Dot(replica, c.counter())));
  }
}
