package dev.syncline.core.memory;

import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import dev.syncline.core.repair.RecordDigest;
import dev.syncline.core.repair.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RecordStore} in memory. Records are kept encoded, as a real store keeps them, so that
 * every test through it also exercises the codec: each version written is encoded, and decoded
 * on its first load (later loads of the same version share that immutable decoded record). Like
 * the smallest cloud's store, it refuses a record over {@link Limits#MAX_STORED_BYTES} with {@code
 * TOO_LARGE}.
 */
public final class InMemoryRecordStore implements RecordStore {

  private static final class Row {
    final byte[] bytes;
    final long version;
    final boolean owing;
    final long nextDue;
    final Digest digest;
    final int bucket;
    private volatile StoredRecord decoded;

    Row(byte[] bytes, long version, boolean owing, long nextDue, Digest digest, int bucket) {
      this.bytes = bytes;
      this.version = version;
      this.owing = owing;
      this.nextDue = nextDue;
      this.digest = digest;
      this.bucket = bucket;
    }

    StoredRecord record() {
      StoredRecord r = decoded;
      if (r == null) {
        r = StoredRecordCodec.decode(bytes);
        decoded = r;
      }
      return r;
    }
  }

  private final Map<RecordKey, Row> rows = new ConcurrentHashMap<>();

  @Override
  public Optional<Versioned> load(RecordKey key) {
    Row row = rows.get(key);
    return row == null
        ? Optional.empty()
        : Optional.of(new Versioned(row.record(), row.version));
  }

  @Override
  public long write(RecordKey key, StoredRecord record, long expectedVersion) {
    byte[] bytes = StoredRecordCodec.encode(record);
    if (bytes.length + key.subject().length() > Limits.MAX_STORED_BYTES) {
      // As the smallest cloud's store (DynamoDB) would.
      throw SynclineException.tooLarge("record " + key + " would take " + bytes.length + " bytes; a store holds at most "
          + Limits.MAX_STORED_BYTES);
    }
    long next = expectedVersion + 1;
    Row written = new Row(bytes, next, !record.outbox().isEmpty(), record.nextDueMillis(),
        RecordDigest.of(key, StoredRecordCodec.encodeState(record.state())), RecordDigest.bucket(key));
    boolean[] won = new boolean[1];
    rows.compute(
        key,
        (k, current) -> {
          long stored = current == null ? 0 : current.version;
          if (stored != expectedVersion) {
            return current;
          }
          won[0] = true;
          return written;
        });
    if (!won[0]) {
      throw SynclineException.concurrentModification("record " + key + " changed since it was read");
    }
    return next;
  }

  @Override
  public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
    List<RecordKey> out = new ArrayList<>();
    for (Map.Entry<RecordKey, Row> e : rows.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      if (e.getValue().owing && e.getValue().nextDue <= nowMillis) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * A bucket's records in subject order; the cursor is the last subject listed. Each record's
   * digest was computed when it was written, as the cloud stores keep it.
   */
  @Override
  public BucketPage scanBucket(int bucket, String cursor, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    java.util.TreeMap<String, BucketPage.Entry> inBucket = new java.util.TreeMap<>();
    rows.forEach((key, row) -> {
      if (row.bucket == bucket && (cursor == null || key.subject().compareTo(cursor) > 0)) {
        inBucket.put(key.subject(), new BucketPage.Entry(key, row.digest));
      }
    });
    List<BucketPage.Entry> page = new ArrayList<>(inBucket.values()).subList(0, Math.min(limit, inBucket.size()));
    String next = inBucket.size() > limit ? page.get(page.size() - 1).key().subject() : null;
    return new BucketPage(page, next);
  }

  /** Forgets a record, as a store that lost it would; for anti-entropy tests. */
  public void lose(RecordKey key) {
    rows.remove(key);
  }

  /** How many bytes a record takes as stored, 0 if it was never written; for bounds in tests. */
  public int storedBytes(RecordKey key) {
    Row row = rows.get(key);
    return row == null ? 0 : row.bytes.length;
  }

  /** Every key ever written, for tests and the demo. */
  public List<RecordKey> keys() {
    return new ArrayList<>(new java.util.TreeSet<>(rows.keySet()));
  }
}
