package dev.syncline.core.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The set of writes (dots) a record state has seen, kept compact as a version vector plus a dot
 * cloud for the dots that arrived out of order (Almeida et al. 2018, section 5.2). Immutable;
 * {@link #merge} and {@link #with} return new values, always compacted, so that equal sets of
 * dots have equal representations.
 */
public final class CausalContext {

  public static final CausalContext EMPTY =
      new CausalContext(Collections.emptySortedMap(), Collections.emptyNavigableSet());

  private final SortedMap<String, Long> vector;
  private final NavigableSet<Dot> cloud;

  private CausalContext(SortedMap<String, Long> vector, NavigableSet<Dot> cloud) {
    this.vector = vector;
    this.cloud = cloud;
  }

  /**
   * Builds a context from a version vector and a dot cloud, compacting it.
   *
   * @throws IllegalArgumentException if a counter is not positive or a replica id is invalid
   */
  public static CausalContext of(Map<String, Long> vector, Iterable<Dot> cloud) {
    TreeMap<String, Long> v = new TreeMap<>();
    vector.forEach(
        (replica, counter) -> {
          Dot.requireReplicaId(replica);
          if (counter < 1) {
            throw new IllegalArgumentException("version vector counters must be positive");
          }
          v.put(replica, counter);
        });
    TreeSet<Dot> c = new TreeSet<>();
    cloud.forEach(c::add);
    return compact(v, c);
  }

  /** Contiguous counters per replica (every counter from 1 up to this one has been seen). */
  public SortedMap<String, Long> vector() {
    return Collections.unmodifiableSortedMap(vector);
  }

  /** Dots seen beyond the contiguous prefix. */
  public NavigableSet<Dot> cloud() {
    return Collections.unmodifiableNavigableSet(cloud);
  }

  public boolean isEmpty() {
    return vector.isEmpty() && cloud.isEmpty();
  }

  public boolean contains(Dot dot) {
    return vector.getOrDefault(dot.replica(), 0L) >= dot.counter() || cloud.contains(dot);
  }

  /** The highest counter seen from {@code replica}, 0 if none. */
  public long max(String replica) {
    long max = vector.getOrDefault(replica, 0L);
    Dot highest = cloud.floor(new Dot(replica, Long.MAX_VALUE));
    if (highest != null && highest.replica().equals(replica)) {
      max = Math.max(max, highest.counter());
    }
    return max;
  }

  /** The dot for {@code replica}'s next write to this record. */
  public Dot nextDot(String replica) {
    return new Dot(replica, max(replica) + 1);
  }

  /** This context plus one dot. */
  public CausalContext with(Dot dot) {
    if (contains(dot)) {
      return this;
    }
    long contiguous = vector.getOrDefault(dot.replica(), 0L);
    if (dot.counter() == contiguous + 1 && !cloud.contains(new Dot(dot.replica(), dot.counter() + 1))) {
      // The common case, a replica's next local write: only the vector moves; the cloud is shared.
      TreeMap<String, Long> v = new TreeMap<>(vector);
      v.put(dot.replica(), dot.counter());
      return new CausalContext(v, cloud);
    }
    TreeMap<String, Long> v = new TreeMap<>(vector);
    TreeSet<Dot> c = new TreeSet<>(cloud);
    c.add(dot);
    return compact(v, c);
  }

  /** The union of two contexts: a join, so commutative, associative and idempotent. */
  public CausalContext merge(CausalContext other) {
    if (other.isEmpty() || this.equals(other)) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, Long> v = new TreeMap<>(vector);
    other.vector.forEach((replica, counter) -> v.merge(replica, counter, Math::max));
    TreeSet<Dot> c = new TreeSet<>(cloud);
    c.addAll(other.cloud);
    return compact(v, c);
  }

  /** True if every dot in this context is also in {@code other}. */
  public boolean within(CausalContext other) {
    for (Map.Entry<String, Long> e : vector.entrySet()) {
      long theirs = other.vector.getOrDefault(e.getKey(), 0L);
      long mine = e.getValue();
      if (theirs < mine) {
        // The range (theirs, mine] must be fully present in the other's cloud.
        long needed = mine - theirs;
        long present =
            other
                .cloud
                .subSet(new Dot(e.getKey(), theirs + 1), true, new Dot(e.getKey(), mine), true)
                .size();
        if (present < needed) {
          return false;
        }
      }
    }
    for (Dot dot : cloud) {
      if (!other.contains(dot)) {
        return false;
      }
    }
    return true;
  }

  /** Classifies this history against another one. */
  public Causality compare(CausalContext other) {
    return Causality.of(within(other), other.within(this));
  }

  private static CausalContext compact(TreeMap<String, Long> vector, TreeSet<Dot> cloud) {
    var it = cloud.iterator();
    while (it.hasNext()) {
      Dot dot = it.next();
      long contiguous = vector.getOrDefault(dot.replica(), 0L);
      if (dot.counter() <= contiguous) {
        it.remove();
      } else if (dot.counter() == contiguous + 1) {
        vector.put(dot.replica(), dot.counter());
        it.remove();
      }
    }
    if (vector.isEmpty() && cloud.isEmpty()) {
      return EMPTY;
    }
    return new CausalContext(vector, cloud);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CausalContext other
        && vector.equals(other.vector)
        && cloud.equals(other.cloud);
  }

  @Override
  public int hashCode() {
    return vector.hashCode() * 31 + cloud.hashCode();
  }

  @Override
  public String toString() {
    return "CausalContext" + vector + (cloud.isEmpty() ? "" : "+" + cloud);
  }
}
