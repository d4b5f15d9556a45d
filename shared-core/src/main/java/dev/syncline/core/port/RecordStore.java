package dev.syncline.core.port;

import dev.syncline.core.RecordKey;
import java.util.List;
import java.util.Optional;

/**
 * Port: the table that holds records. Implementations map {@link StoredRecord} to one native item
 * (DynamoDB item, Table Storage partition, Bigtable row) with {@code StoredRecordCodec} and do
 * nothing else: dedupe, merge and retry policy live in the core.
 *
 * <p>Contract (checked by {@code RecordStoreContract} in the test-jar):
 *
 * <ul>
 *   <li>{@link #write} is atomic and conditional: it succeeds only if the stored version equals
 *       {@code expectedVersion} (0 = the record must not exist), and then stores {@code
 *       expectedVersion + 1}.
 *   <li>A lost race throws {@code SynclineException} of kind {@code CONCURRENT_MODIFICATION} and
 *       changes nothing; an unreachable store throws kind {@code UNAVAILABLE}; a record the store
 *       cannot hold throws {@code TOO_LARGE} before anything is written.
 *   <li>A successful write is durable before the method returns.
 * </ul>
 */
public interface RecordStore {

  /** The record and its version, or empty if it was never written. */
  Optional<Versioned> load(RecordKey key);

  /**
   * Writes the whole record if its version is still {@code expectedVersion}.
   *
   * @return the new version, {@code expectedVersion + 1}
   */
  long write(RecordKey key, StoredRecord record, long expectedVersion);

  /**
   * Keys of records with a non-empty outbox whose earliest entry is due at {@code nowMillis} (its
   * {@code nextAttemptMillis} is not later; see {@link StoredRecord#nextDueMillis()}), at most
   * {@code limit}, for the
   * drain. Records whose entries all wait out a backoff are not listed, so they cannot crowd out
   * records that are due. Order is unspecified. Pass {@code Long.MAX_VALUE} to list any record
   * that owes anything.
   */
  List<RecordKey> withDueOutbox(long nowMillis, int limit);

  /**
   * One page of the records in anti-entropy bucket {@code bucket} ({@code RecordDigest.bucket}),
   * each with the digest of its state ({@code RecordDigest.of}), which the store keeps beside the
   * record, written in the same write, so that a scan reads no state. Complete: the pages of a
   * bucket, followed from {@code cursor} null to the last, list every record of the bucket whose
   * state is not empty exactly once (records with an empty state may be listed with the zero
   * digest), in any order. Resumable: a page's cursor continues after it, whatever was written
   * since. Bounded: at most {@code limit} entries per page (a page may hold fewer, even none, and
   * still not be the last).
   *
   * @param cursor null for the first page, else the cursor of the page before
   * @throws dev.syncline.core.SynclineException UNAVAILABLE if the store cannot be reached
   */
  BucketPage scanBucket(int bucket, String cursor, int limit);
}
