package dev.syncline.core;

import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.Optional;

/**
 * Remembers which write intents were applied, with in-progress leases so that concurrent
 * duplicates do not both apply: the idempotency pattern of AWS Powertools, whose {@code
 * BasePersistenceStore} this is. It owns the whole policy and its race loop; the {@link
 * DedupeStore} under it only reads and writes conditionally.
 *
 * <p>Policy, at the caller's {@code now}:
 *
 * <ul>
 *   <li>An entry whose {@code expiresAt} is at or before {@code now} is as good as absent, however
 *       late the store's TTL removes it.
 *   <li>A live completed entry answers {@link Claim.AlreadyCompleted}; a live in-progress entry
 *       whose lease has not lapsed ({@code leaseUntil} after {@code now}) answers {@link
 *       Claim.InProgress}. Any other entry is taken over with a conditional replace.
 *   <li>A claim first inserts, so that a new key (the common case) costs one write; only if that
 *       finds an entry does it read and decide. A write that loses a race reads again, up to
 *       {@value #ATTEMPTS} times, then gives up with {@code CONCURRENT_MODIFICATION}.
 * </ul>
 *
 * <p>Thread-safe and stateless: many function instances may share one store.
 */
public final class Dedupe {

  /** Reads after a lost race, before a claim or completion gives up. */
  static final int ATTEMPTS = 3;

  private final DedupeStore store;

  public Dedupe(DedupeStore store) {
    this.store = store;
  }

  /**
   * Tries to take the lease on {@code key}.
   *
   * @param token the caller's unique token, needed to release
   * @param nowMillis the current time
   * @param leaseUntilMillis when the lease lapses if the caller dies
   * @param expiresAtMillis when the entry may be forgotten
   * @throws SynclineException UNAVAILABLE from the store; CONCURRENT_MODIFICATION if the entry kept
   *     changing under the claim
   */
  public Claim claim(String key, String token, long nowMillis, long leaseUntilMillis, long expiresAtMillis) {
    DedupeEntry mine = DedupeEntry.inProgress(key, token, leaseUntilMillis, expiresAtMillis);
    if (store.insertIfAbsent(mine)) {
      return new Claim.Acquired();
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<DedupeEntry> found = store.read(key);
      if (found.isEmpty()) {
        if (store.insertIfAbsent(mine)) { // released or swept meanwhile
          return new Claim.Acquired();
        }
        continue;
      }
      Optional<Claim> taken = standing(found.get(), nowMillis);
      if (taken.isPresent()) {
        return taken.get();
      }
      if (store.replaceIfUnchanged(found.get(), mine)) {
        return new Claim.Acquired();
      }
    }
    throw SynclineException.concurrentModification("dedupe entry kept changing during the claim");
  }

  /** What a claim at {@code now} finds in {@code entry}, or empty if the entry may be taken over. */
  private static Optional<Claim> standing(DedupeEntry entry, long now) {
    if (entry.expiresAtMillis() <= now) {
      return Optional.empty();
    }
    if (entry.isCompleted()) {
      return Optional.of(new Claim.AlreadyCompleted());
    }
    return entry.leaseUntilMillis() > now ? Optional.of(new Claim.InProgress(entry.leaseUntilMillis())) : Optional.empty();
  }

  /**
   * Marks {@code key} applied until {@code expiresAtMillis}, whoever holds the lease (the record
   * itself knows the intent was applied, so a takeover meanwhile only finds a duplicate).
   *
   * @throws SynclineException UNAVAILABLE from the store; CONCURRENT_MODIFICATION if the entry kept
   *     changing
   */
  public void complete(String key, long expiresAtMillis) {
    DedupeEntry done = DedupeEntry.completed(key, expiresAtMillis);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<DedupeEntry> found = store.read(key);
      if (found.isEmpty()) {
        if (store.insertIfAbsent(done)) {
          return;
        }
        continue;
      }
      if (found.get().isCompleted() && found.get().expiresAtMillis() >= expiresAtMillis) {
        return;
      }
      if (store.replaceIfUnchanged(found.get(), done)) {
        return;
      }
    }
    throw SynclineException.concurrentModification("dedupe entry kept changing during the completion");
  }

  /**
   * Drops an in-progress entry owned by {@code token} so a retry may proceed at once. Anything
   * else (a completed entry, another's lease, nothing) stays as it is.
   *
   * @throws SynclineException UNAVAILABLE from the store
   */
  public void release(String key, String token) {
    store.read(key)
        .filter(entry -> !entry.isCompleted() && token.equals(entry.token()))
        .ifPresent(store::deleteIfUnchanged); // false: taken over meanwhile, so no longer ours
  }

  /**
   * True if {@code key} is marked completed and has not expired at {@code nowMillis}. The engine
   * asks this before it forgets an intent in the record's own list of applied intents.
   *
   * @throws SynclineException UNAVAILABLE from the store
   */
  public boolean isCompleted(String key, long nowMillis) {
    return store.read(key).filter(entry -> entry.isCompleted() && entry.expiresAtMillis() > nowMillis).isPresent();
  }

  /**
   * Deletes up to {@code limit} entries expired at {@code nowMillis} from a store that has no TTL
   * of its own; a store with one deletes nothing here.
   *
   * @return how many entries were deleted
   * @throws SynclineException UNAVAILABLE from the store
   */
  public int sweep(long nowMillis, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    return limit == 0 ? 0 : store.sweepExpired(nowMillis, limit);
  }
}
