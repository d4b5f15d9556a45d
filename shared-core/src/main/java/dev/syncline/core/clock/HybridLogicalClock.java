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
   * A stamp for a local write: greater than {@code floor} (the highest stamp already in the
   * record written to) and than every stamp this clock has issued or observed within the allowed
   * skew.
   *
   * <p>The process-wide clock only moves to stamps within {@code maxSkew} of local wall time: a
   * record holding a stamp far ahead (a peer's clock gone wrong, or a hostile change) gets its own
   * stamps above it, but the other records of this process keep stamps near real time.
   */
  public synchronized Hlc stampAbove(Hlc floor) {
    long wall = wallClock.millis();
    Hlc base = Hlc.max(last, floor);
    Hlc next;
    if (wall > base.wall()) {
      next = new Hlc(wall, 0);
    } else if (base.logical() < Integer.MAX_VALUE) {
      next = new Hlc(base.wall(), base.logical() + 1);
    } else {
      // The logical counter is exhausted: move the physical part on instead of overflowing.
      next = new Hlc(base.wall() + 1, 0);
    }
    if (next.wall() - wall <= maxSkewMillis) {
      last = next;
    }
    return next;
  }

  /**
   * Observes a stamp received from a peer so that later local stamps exceed it, unless it is
   * further ahead of local wall time than the allowed skew: such a stamp is still merged (and its
   * record's own writes are stamped above it), but it does not move this process's clock.
   *
   * @return true if the stamp is ahead of local wall time by more than the allowed skew
   */
  public synchronized boolean observe(Hlc remote) {
    boolean skewed = remote.wall() - wallClock.millis() > maxSkewMillis;
    if (!skewed && remote.compareTo(last) > 0) {
      last = remote;
    }
    return skewed;
  }

  public Clock wallClock() {
    return wallClock;
  }
}
