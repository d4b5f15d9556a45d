package dev.syncline.core.clock;

/**
 * One replica process's hybrid logical clock (Kulkarni et al. 2014). Thread-safe.
 *
 * <p>Several function instances may serve one replica with independent clocks; per record the
 * order is still total because every local write asks for a stamp above the record's highest stamp
 * ({@link #stampAbove}) and writes to one record are serialized by the store's conditional writes.
 */
public final class HybridLogicalClock {

  private final Clock wallClock;
  private final long maxSkewMillis;
  private Hlc last = Hlc.ZERO;

  /**
   * @param wallClock the physical clock
   * @param maxSkewMillis how far ahead of local wall time a remote stamp may be before it counts
   *     as clock skew; such stamps are still merged
   */
  public HybridLogicalClock(Clock wallClock, long maxSkewMillis) {
    this.wallClock = wallClock;
    this.maxSkewMillis = maxSkewMillis;
  }

  /**
   * A stamp for a local write: greater than every stamp this clock has issued or observed, and
   * greater than {@code floor} (the highest stamp already in the record written to).
   */
  public synchronized Hlc stampAbove(Hlc floor) {
    Hlc base = Hlc.max(last, floor);
    long wall = wallClock.millis();
    if (wall > base.wall()) {
      last = new Hlc(wall, 0);
    } else if (base.logical() < Integer.MAX_VALUE) {
      last = new Hlc(base.wall(), base.logical() + 1);
    } else {
      // The logical counter is exhausted (a stamp far ahead was observed, or a hostile one):
      // move the physical part on instead of overflowing.
      last = new Hlc(base.wall() + 1, 0);
    }
    return last;
  }

  /**
   * Observes a stamp received from a peer so that later local stamps exceed it.
   *
   * @return true if the stamp is ahead of local wall time by more than the allowed skew
   */
  public synchronized boolean observe(Hlc remote) {
    if (remote.compareTo(last) > 0) {
      last = remote;
    }
    return remote.wall() - wallClock.millis() > maxSkewMillis;
  }

  public Clock wallClock() {
    return wallClock;
  }
}
