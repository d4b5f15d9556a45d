package dev.syncline.core.outbox;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015): the n-th retry waits a uniformly random time in {@code [0, min(cap, base * 2^n))}.
 */
public record Backoff(Duration base, Duration cap) {

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
  }

  /** The default: 1 s base, 60 s cap. */
  public static Backoff standard() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  public long delayMillis(int attempt, RandomGenerator random) {
    int exponent = Math.min(Math.max(attempt - 1, 0), 30);
    long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << exponent));
    return random.nextLong(ceiling);
  }
}
