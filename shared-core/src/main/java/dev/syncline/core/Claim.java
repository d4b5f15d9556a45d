package dev.syncline.core;

/** The answer of {@link Dedupe#claim}. */
public sealed interface Claim {

  /** The caller holds the lease and should apply the intent. */
  record Acquired() implements Claim {}

  /** The intent was applied before (within the TTL). */
  record AlreadyCompleted() implements Claim {}

  /** Another invocation holds a live lease; try again after it expires. */
  record InProgress(long leaseUntilMillis) implements Claim {}
}
