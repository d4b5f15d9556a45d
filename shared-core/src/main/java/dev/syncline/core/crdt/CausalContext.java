package dev.syncline.core.crdt;

import dev.syncline.core.SynclineException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * A set of writes (dots), kept per replica as ranges of counters (the version vector and dot
 * cloud of Almeida et al. 2018, section 5.2, with the cloud's runs folded into ranges as in
 * Gonçalves et al., "Concise Server-Wide Causality Management", 2017). A record's context holds
 * one range per replica in the steady state; a delta's holds the counters it wrote and superseded,
 * which are contiguous runs too. Immutable and canonical: equal sets of dots have equal
 * representations.
 */
public final class CausalContext {

  public static final CausalContext EMPTY = new CausalContext(Collections.emptySortedMap());

  /** Replica to its non-empty ranges. */
  private final SortedMap<String, Ranges> ranges;

  private CausalContext(SortedMap<String, Ranges> ranges) {
    this.ranges = ranges;
  }

  private static CausalContext owning(TreeMap<String, Ranges> ranges) {
    return ranges.isEmpty() ? EMPTY : new CausalContext(Collections.unmodifiableSortedMap(ranges));
  }

  /**
   * Builds a context from a version vector (every counter from 1 up to the given one) and single
   * dots.
   *
   * @throws IllegalArgumentException if a counter is out of bounds or a replica id is invalid
   */
  public static CausalContext of(Map<String, Long> vector, Iterable<Dot> dots) {
    Builder b = builder();
    vector.forEach((replica, counter) -> b.add(replica, 1, counter));
    dots.forEach(d -> b.add(d.replica(), d.counter(), d.counter()));
    return b.build();
  }

  /** Collects ranges in any order, overlapping or not, into a canonical context. */
  public static Builder builder() {
    return new Builder();
  }

  /** See {@link #builder()}. */
  public static final class Builder {
    private final TreeMap<String, long[]> pairs = new TreeMap<>();
    private final TreeMap<String, Integer> sizes = new TreeMap<>();

    private Builder() {}

    /**
     * Adds the dots {@code (replica, lo..hi)}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= lo <= hi <= Dot.MAX_COUNTER} and the
     *     replica id is valid
     */
    public Builder add(String replica, long lo, long hi) {
      Dot.requireReplicaId(replica);
      if (lo < 1 || hi < lo || hi > Dot.MAX_COUNTER) {
        throw new IllegalArgumentException("dot ranges need 1 <= lo <= hi <= " + Dot.MAX_COUNTER);
      }
      long[] p = pairs.computeIfAbsent(replica, r -> new long[4]);
      int size = sizes.getOrDefault(replica, 0);
      if (size == p.length) {
        p = java.util.Arrays.copyOf(p, p.length * 2);
        pairs.put(replica, p);
      }
      p[size] = lo;
      p[size + 1] = hi;
      sizes.put(replica, size + 2);
      return this;
    }

    public CausalContext build() {
      TreeMap<String, Ranges> out = new TreeMap<>();
      pairs.forEach((replica, p) -> out.put(replica, Ranges.normalize(p, sizes.get(replica))));
      return owning(out);
    }
  }

  /** A receiver of one range of a context: the dots {@code (replica, lo..hi)}. */
  @FunctionalInterface
  public interface RangeAction {
    void accept(String replica, long lo, long hi);
  }

  /** Visits every range, by replica id, then counter. */
  public void forEachRange(RangeAction action) {
    ranges.forEach((replica, r) -> {
      for (int i = 0; i < r.count(); i++) {
        action.accept(replica, r.lo(i), r.hi(i));
      }
    });
  }

  /** How many ranges the context holds in all: its size in storage and on the wire. */
  public int rangeCount() {
    int n = 0;
    for (Ranges r : ranges.values()) {
      n += r.count();
    }
    return n;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean contains(Dot dot) {
    Ranges r = ranges.get(dot.replica());
    return r != null && r.contains(dot.counter());
  }

  /** The highest counter seen from {@code replica}, 0 if none. */
  public long max(String replica) {
    Ranges r = ranges.get(replica);
    return r == null ? 0 : r.max();
  }

  /** The highest counter seen from each replica: the record's version in its view. */
  public SortedMap<String, Long> maxima() {
    TreeMap<String, Long> out = new TreeMap<>();
    ranges.forEach((replica, r) -> out.put(replica, r.max()));
    return out;
  }

  /**
   * The dot for {@code replica}'s next write to this record.
   *
   * @throws SynclineException TOO_LARGE if every counter up to {@link Dot#MAX_COUNTER} is used
   */
  public Dot nextDot(String replica) {
    long max = max(replica);
    if (max >= Dot.MAX_COUNTER) {
      throw SynclineException.tooLarge("the record has used every dot counter of replica " + replica);
    }
    return new Dot(replica, max + 1);
  }

  /** This context plus one dot. */
  public CausalContext with(Dot dot) {
    Ranges r = ranges.getOrDefault(dot.replica(), Ranges.EMPTY);
    Ranges next = r.isEmpty() ? Ranges.of(dot.counter(), dot.counter()) : r.with(dot.counter());
    if (next == r) {
      return this;
    }
    TreeMap<String, Ranges> out = new TreeMap<>(ranges);
    out.put(dot.replica(), next);
    return owning(out);
  }

  /** The union of two contexts: a join, so commutative, associative and idempotent. */
  public CausalContext merge(CausalContext other) {
    if (other.isEmpty() || this.equals(other)) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    return combine(other, Ranges::union, true);
  }

  /** The dots in both contexts. */
  public CausalContext intersect(CausalContext other) {
    if (isEmpty() || other.isEmpty()) {
      return EMPTY;
    }
    return combine(other, Ranges::intersect, false);
  }

  /** The dots in this context and not in {@code other}. */
  public CausalContext minus(CausalContext other) {
    if (isEmpty() || other.isEmpty()) {
      return this;
    }
    TreeMap<String, Ranges> out = new TreeMap<>();
    ranges.forEach((replica, r) -> {
      Ranges theirs = other.ranges.get(replica);
      Ranges left = theirs == null ? r : r.minus(theirs);
      if (!left.isEmpty()) {
        out.put(replica, left);
      }
    });
    return owning(out);
  }

  /**
   * One range per replica, from its lowest counter here to its highest: a superset of this
   * context that stays as small as the number of replicas.
   */
  public CausalContext hull() {
    TreeMap<String, Ranges> out = new TreeMap<>();
    ranges.forEach((replica, r) -> out.put(replica, r.hull()));
    return owning(out);
  }

  /**
   * This context cut in two disjoint halves whose union is this one, at the middle counter of the
   * replica whose dots span the widest range; empty if it holds a single dot. For sending a
   * large delta as several smaller ones.
   */
  public java.util.Optional<CausalContext[]> halves() {
    String widest = null;
    long span = 0;
    for (Map.Entry<String, Ranges> e : ranges.entrySet()) {
      Ranges r = e.getValue();
      long s = r.max() - r.lo(0);
      if (widest == null || s > span) {
        widest = e.getKey();
        span = s;
      }
    }
    if (widest == null || (span == 0 && ranges.size() == 1)) {
      return java.util.Optional.empty();
    }
    if (span == 0) {
      // One dot per replica: split by replica.
      TreeMap<String, Ranges> first = new TreeMap<>(ranges.headMap(ranges.lastKey()));
      TreeMap<String, Ranges> second = new TreeMap<>(ranges.tailMap(ranges.lastKey()));
      return java.util.Optional.of(new CausalContext[] {owning(first), owning(second)});
    }
    Ranges r = ranges.get(widest);
    long mid = r.lo(0) + span / 2;
    TreeMap<String, Ranges> first = new TreeMap<>(ranges);
    TreeMap<String, Ranges> second = new TreeMap<>();
    first.put(widest, r.intersect(Ranges.of(r.lo(0), mid)));
    second.put(widest, r.intersect(Ranges.of(mid + 1, r.max())));
    first.values().removeIf(Ranges::isEmpty);
    second.values().removeIf(Ranges::isEmpty);
    return java.util.Optional.of(new CausalContext[] {owning(first), owning(second)});
  }

  private CausalContext combine(CausalContext other, BinaryOperator<Ranges> op, boolean keepOneSided) {
    TreeMap<String, Ranges> out = new TreeMap<>();
    ranges.forEach((replica, r) -> {
      Ranges theirs = other.ranges.get(replica);
      Ranges joined = theirs == null ? (keepOneSided ? r : Ranges.EMPTY) : op.apply(r, theirs);
      if (!joined.isEmpty()) {
        out.put(replica, joined);
      }
    });
    if (keepOneSided) {
      other.ranges.forEach(out::putIfAbsent);
    }
    return owning(out);
  }

  /** True if every dot in this context is also in {@code other}. */
  public boolean within(CausalContext other) {
    for (Map.Entry<String, Ranges> e : ranges.entrySet()) {
      Ranges theirs = other.ranges.get(e.getKey());
      if (theirs == null || !e.getValue().within(theirs)) {
        return false;
      }
    }
    return true;
  }

  /** Classifies this history against another one. */
  public Causality compare(CausalContext other) {
    return Causality.of(within(other), other.within(this));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CausalContext other && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return "CausalContext" + ranges;
  }
}
