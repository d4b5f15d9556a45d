package dev.syncline.core.port;

import java.util.Optional;

/**
 * Port: the table of {@link DedupeEntry dedupe entries}, one per write intent, with conditional
 * writes and nothing else, as AWS Powertools splits {@code BasePersistenceStore} from {@code
 * DynamoDBPersistenceStore}. The policy (when a lease is live, when an entry has expired, when to
 * take one over, how to retry a lost race) lives once in the core's {@code Dedupe}; a store maps
 * entries to its native rows and turns its conditional-write failures into {@code false}.
 *
 * <p>Contract (checked by {@code DedupeStoreContract} in the test-jar):
 *
 * <ul>
 *   <li>Each write is one atomic conditional operation on one key: of concurrent writes that
 *       expect the same state, at most one succeeds.
 *   <li>The store judges no field: an entry past its {@code expiresAtMillis} is read, and blocks an
 *       insert, like any other until it is gone. A store whose native TTL removes old rows (late, as
 *       they all do) meets the contract, since the core reads expiry from the entry itself.
 *   <li>"Unchanged" means no write to the key since {@code expected} was read: a store compares
 *       {@link DedupeEntry#version} (an ETag, a revision) or, if it keeps none, every field.
 *   <li>A refused condition answers {@code false} and changes nothing. Any other failure throws
 *       {@code SynclineException} of kind {@code UNAVAILABLE}; vendor exceptions never escape.
 * </ul>
 */
public interface DedupeStore {

  /**
   * The entry stored under {@code key}, with its version, or empty if there is none. Strongly
   * consistent: it sees every write that returned before it was called.
   *
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  Optional<DedupeEntry> read(String key);

  /**
   * Stores {@code entry} if nothing is stored under its key.
   *
   * @return false if an entry exists (expired or not), which is left as it is
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  boolean insertIfAbsent(DedupeEntry entry);

  /**
   * Replaces {@code expected}, as read, with {@code next} (same key), if nothing wrote the key
   * since.
   *
   * @return false if the entry changed or is gone, which is left as it is
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next);

  /**
   * Deletes {@code expected}, as read, if nothing wrote its key since.
   *
   * @return false if the entry changed or is gone already
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  boolean deleteIfUnchanged(DedupeEntry expected);

  /**
   * Deletes up to {@code limit} entries whose {@code expiresAtMillis} is at or before {@code
   * nowMillis}, each only if unchanged since the store found it expired, and no other. For stores
   * without native TTL (Table Storage); the default deletes nothing, for stores whose TTL or GC
   * rule removes old rows by itself.
   *
   * @return how many entries were deleted
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  default int sweepExpired(long nowMillis, int limit) {
    return 0;
  }
}
