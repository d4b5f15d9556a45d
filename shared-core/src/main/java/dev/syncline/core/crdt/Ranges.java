package dev.syncline.core.crdt;

import java.util.Arrays;

/**
 * The dot counters of one replica that a {@link CausalContext} holds, as sorted, disjoint,
 * non-adjacent closed ranges {@code [lo, hi]}. Canonical (equal sets have equal bounds) and
 * immutable; every operation is a linear merge of the two range lists.
 */
final class Ranges {

  static final Ranges EMPTY = new Ranges(new long[0]);

  /** {@code lo0, hi0, lo1, hi1, ...} with {@code hi_i + 1 < lo_(i+1)}. */
  private final long[] bounds;

  private Ranges(long[] bounds) {
    this.bounds = bounds;
  }

  static Ranges of(long lo, long hi) {
    if (lo < 1 || hi < lo) {
      throw new IllegalArgumentException("a dot range [lo, hi] needs 1 <= lo <= hi");
    }
    return new Ranges(new long[] {lo, hi});
  }

  /** Sorts and merges any list of {@code [lo, hi]} pairs into canonical form. */
  static Ranges normalize(long[] pairs, int length) {
    if (length == 0) {
      return EMPTY;
    }
    int n = length / 2;
    long[][] sorted = new long[n][];
    for (int i = 0; i < n; i++) {
      sorted[i] = new long[] {pairs[2 * i], pairs[2 * i + 1]};
    }
    Arrays.sort(sorted, (x, y) -> Long.compare(x[0], y[0]));
    long[] out = new long[length];
    int size = 0;
    for (long[] r : sorted) {
      if (size > 0 && r[0] <= out[size - 1] + 1) {
        out[size - 1] = Math.max(out[size - 1], r[1]);
      } else {
        out[size++] = r[0];
        out[size++] = r[1];
      }
    }
    return new Ranges(size == out.length ? out : Arrays.copyOf(out, size));
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  /** How many ranges. */
  int count() {
    return bounds.length / 2;
  }

  long lo(int i) {
    return bounds[2 * i];
  }

  long hi(int i) {
    return bounds[2 * i + 1];
  }

  /** The highest counter held, 0 if none. */
  long max() {
    return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
  }

  boolean contains(long counter) {
    int lo = 0;
    int hi = count() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (counter < lo(mid)) {
        hi = mid - 1;
      } else if (counter > hi(mid)) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** These ranges plus one counter. */
  Ranges with(long counter) {
    if (contains(counter)) {
      return this;
    }
    if (bounds.length > 0 && counter == max() + 1) {
      // The common case, a replica's next write: the last range grows.
      long[] out = bounds.clone();
      out[out.length - 1] = counter;
      return new Ranges(out);
    }
    return union(of(counter, counter));
  }

  Ranges union(Ranges other) {
    if (other.isEmpty() || equals(other)) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    long[] all = Arrays.copyOf(bounds, bounds.length + other.bounds.length);
    System.arraycopy(other.bounds, 0, all, bounds.length, other.bounds.length);
    return normalize(all, all.length);
  }

  Ranges intersect(Ranges other) {
    long[] out = new long[bounds.length + other.bounds.length];
    int size = 0;
    int i = 0;
    int j = 0;
    while (i < count() && j < other.count()) {
      long lo = Math.max(lo(i), other.lo(j));
      long hi = Math.min(hi(i), other.hi(j));
      if (lo <= hi) {
        out[size++] = lo;
        out[size++] = hi;
      }
      if (hi(i) < other.hi(j)) {
        i++;
      } else {
        j++;
      }
    }
    return size == 0 ? EMPTY : new Ranges(Arrays.copyOf(out, size));
  }

  Ranges minus(Ranges other) {
    if (other.isEmpty() || isEmpty()) {
      return this;
    }
    long[] out = new long[bounds.length + 2 * other.bounds.length];
    int size = 0;
    int j = 0;
    for (int i = 0; i < count(); i++) {
      long lo = lo(i);
      long hi = hi(i);
      while (j < other.count() && other.hi(j) < lo) {
        j++;
      }
      int k = j;
      while (lo <= hi && k < other.count() && other.lo(k) <= hi) {
        if (other.lo(k) > lo) {
          out[size++] = lo;
          out[size++] = other.lo(k) - 1;
        }
        lo = Math.max(lo, other.hi(k) + 1);
        k++;
      }
      if (lo <= hi) {
        out[size++] = lo;
        out[size++] = hi;
      }
    }
    return size == 0 ? EMPTY : new Ranges(Arrays.copyOf(out, size));
  }

  /** True if every counter here is also in {@code other}. */
  boolean within(Ranges other) {
    int j = 0;
    for (int i = 0; i < count(); i++) {
      while (j < other.count() && other.hi(j) < lo(i)) {
        j++;
      }
      if (j == other.count() || other.lo(j) > lo(i) || other.hi(j) < hi(i)) {
        return false;
      }
    }
    return true;
  }

  /** One range from the lowest counter to the highest. */
  Ranges hull() {
    return count() <= 1 ? this : new Ranges(new long[] {bounds[0], max()});
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ranges other && Arrays.equals(bounds, other.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count(); i++) {
      s.append(i == 0 ? "" : ",").append(lo(i));
      if (hi(i) != lo(i)) {
        s.append("..").append(hi(i));
      }
    }
    return s.toString();
  }
}
