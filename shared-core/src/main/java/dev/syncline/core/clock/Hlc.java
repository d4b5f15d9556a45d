package dev.syncline.core.clock;

/**
 * A hybrid logical clock timestamp (Kulkarni, Demirbas et al., "Logical Physical Clocks",
 * OPODIS 2014): the physical part is wall-clock milliseconds, the logical part orders events
 * within the same millisecond. Timestamps compare by wall time, then logical counter.
 */
public record Hlc(long wall, int logical) implements Comparable<Hlc> {

  /** The timestamp below every real one. */
  public static final Hlc ZERO = new Hlc(0, 0);

  public Hlc {
    if (wall < 0 || logical < 0) {
      throw new IllegalArgumentException("hlc parts must be non-negative");
    }
  }

  @Override
  public int compareTo(Hlc other) {
    int byWall = Long.compare(wall, other.wall);
    return byWall != 0 ? byWall : Integer.compare(logical, other.logical);
  }

  public static Hlc max(Hlc a, Hlc b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return wall + "." + logical;
  }
}
