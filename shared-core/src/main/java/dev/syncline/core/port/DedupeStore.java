package dev.syncline.core.port;

/**
 * Port: remembers which write intents (keyed by CloudEvent {@code source} and {@code id}) were
 * applied, with in-progress leases so that concurrent duplicates do not both apply (the
 * idempotency pattern of AWS Powertools). The core owns the policy (lease length, TTL, what to do
 * with each answer); adapters implement these three conditional operations.
 *
 * <p>Contract (checked by {@code DedupeStoreContract} in the test-jar):
 *
 * <ul>
 *   <li>{@link #claim} is one atomic conditional write. It succeeds, storing an in-progress entry
 *       owned by {@code token}, when no entry exists, the entry's {@code expiresAt} has passed, or
 *       the entry is in progress with a lease that has passed. Otherwise it answers what it found.
 *   <li>Expiry is checked on read: a store whose native TTL deletes late must still treat an
 *       expired entry as absent.
 *   <li>Failures throw {@code SynclineException} of kind {@code UNAVAILABLE}.
 * </ul>
 */
public interface DedupeStore {

  /**
   * Tries to take the lease on {@code key}.
   *
   * @param token the caller's unique token, needed to release
   * @param nowMillis the current time
   * @param leaseUntilMillis when the lease lapses if the caller dies
   * @param expiresAtMillis when the entry may be forgotten
   */
  Claim claim(String key, String token, long nowMillis, long leaseUntilMillis, long expiresAtMillis);

  /** Marks {@code key} applied until {@code expiresAtMillis}, whoever holds the lease. */
  void complete(String key, long expiresAtMillis);

  /** Drops an in-progress entry owned by {@code token} so a retry may proceed at once. */
  void release(String key, String token);

  /**
   * True if {@code key} is marked completed and has not expired at {@code nowMillis}. The engine
   * asks this before it forgets an intent in the record's own list of applied intents.
   */
  boolean isCompleted(String key, long nowMillis);
}
