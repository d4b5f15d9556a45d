package dev.syncline.core.clock;

/**
 * A hybrid logical clock timestamp (Kulkarni, Demirbas et al., "Logical Physical Clocks",
 * OPODIS 2014): the physical part is wall-clock milliseconds, the logical part orders events
 * within the same millisecond. Timestamps compare by wall time, then logical counter.
 */
public record Hlc(long wall, int logical) implements Comparable<Hlc> {

  /** The timestamp below every real one. */
  public static final Hlc ZERO = new Hlc(0, 0);

  /**
   * The latest wall time a stamp may carry: 9999-12-31T23:59:59.999Z, the last instant an RFC 3339
   * timestamp (a CloudEvent's {@code time}) can name. Far enough from {@code Long.MAX_VALUE} that
   * no arithmetic on stamps overflows.
   */
  public static final long MAX_WALL = 253_402_300_799_999L;

  public Hlc {
    if (wall < 0 || logical < 0 || wall > MAX_WALL) {
      throw new IllegalArgumentException("hlc wall time must be between 0 and " + MAX_WALL + ", logical non-negative");
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
