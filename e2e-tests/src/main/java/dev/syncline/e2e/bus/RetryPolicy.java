package dev.syncline.e2e.bus;

import java.time.Duration;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A platform's delivery rules, as documented by the platform, with every duration divided by
 * {@link #TIME_SCALE} so that a sandbox run sees the same retry pattern in seconds instead of
 * hours. Attempt counts, the statuses that are never retried and the largest event taken are the
 * platform's own.
 *
 * @param platform for reports
 * @param maxAttempts deliveries in total, the first included, before the event is dead-lettered
 * @param maxAge how long after publishing an event may still be delivered
 * @param initialBackoff the delay before the second attempt
 * @param maxBackoff the cap on any delay
 * @param multiplier how the delay grows per attempt
 * @param deadLetterAt statuses the platform dead-letters at once, without retrying
 * @param maxEventBytes the largest event the platform accepts for publishing; more is refused
 *     with 413 and never delivered
 */
public record RetryPolicy(String platform, int maxAttempts, Duration maxAge, Duration initialBackoff,
    Duration maxBackoff, double multiplier, Set<Integer> deadLetterAt, int maxEventBytes) {

  /** Sandbox time runs 100 times faster than platform time for redelivery delays and ages. */
  public static final int TIME_SCALE = 100;

  /**
   * EventBridge to Lambda: EventBridge invokes the function asynchronously, so a function error is
   * retried by Lambda's asynchronous invocation: 2 retries (3 attempts), about 1 min and then 2 min
   * apart, within a maximum event age of 6 hours (the defaults); then the event goes to the
   * on-failure destination (the SQS dead-letter queue that Terraform configures). A PutEvents
   * entry is at most 256 KB.
   */
  public static RetryPolicy eventBridge() {
    return new RetryPolicy("EventBridge/Lambda async", 3, scaled(Duration.ofHours(6)), scaled(Duration.ofMinutes(1)),
        scaled(Duration.ofMinutes(2)), 2.0, Set.of(), 256 * 1024);
  }

  /**
   * Event Grid: 30 attempts within 24 hours (the defaults) on a schedule that starts at 10 s and
   * grows towards 1 h; 400 Bad Request and 413 are dead-lettered at once. An event is at most 1 MB.
   */
  public static RetryPolicy eventGrid() {
    return new RetryPolicy("Event Grid", 30, scaled(Duration.ofHours(24)), scaled(Duration.ofSeconds(10)),
        scaled(Duration.ofHours(1)), 3.0, Set.of(400, 413), 1024 * 1024);
  }

  /**
   * Pub/Sub push subscription with a dead-letter topic: exponential back-off from 10 s to 600 s
   * (the subscription's retry policy), 5 delivery attempts (the dead-letter policy's default),
   * messages retained for 7 days. A message is at most 10 MB.
   */
  public static RetryPolicy pubSub() {
    return new RetryPolicy("Pub/Sub", 5, scaled(Duration.ofDays(7)), scaled(Duration.ofSeconds(10)),
        scaled(Duration.ofSeconds(600)), 2.0, Set.of(), 10 * 1024 * 1024);
  }

  /** The delay before attempt {@code attempt + 1}: exponential, capped, with full jitter. */
  public Duration backoff(int attempt, RandomGenerator random) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(millis, maxBackoff.toMillis());
    return Duration.ofMillis(capped / 2 + random.nextLong(capped / 2 + 1));
  }

  private static Duration scaled(Duration platform) {
    return platform.dividedBy(TIME_SCALE);
  }
}
