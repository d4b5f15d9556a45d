package dev.syncline.gcp.bigtable;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.ConditionalRowMutation;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Mutation;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Range.ByteStringRange;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import dev.syncline.core.repair.Digest;
import dev.syncline.core.repair.RecordDigest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link RecordStore} on Bigtable: one row per record, its row key the record's anti-entropy bucket
 * as three lower-case hex digits, {@code #}, then the subject ({@code 1a7#user/42}; {@link
 * #rowKey}). Family {@value #STATE} holds {@code version}, {@code state}, {@code h} (the 16-byte
 * digest of the state, {@link RecordDigest#of}), {@code applied} and, while the record owes a
 * peer, {@code due}; family {@value #OUTBOX} one column per peer. Every write is one
 * check-and-mutate on the {@code version} cell (the condition chained with {@code
 * cellsPerColumn(1)}), whose mutation replaces both families, so state, digest and outbox change
 * together or not at all. A bucket is one row-prefix range, so {@link #scanBucket} reads it in
 * row-key order, one column per row.
 */
public final class BigtableRecordStore implements RecordStore {

  static final String STATE = "s";
  static final String OUTBOX = "o";
  /** The qualifier, in family {@value #STATE}, of the state's digest. */
  static final String DIGEST = "h";

  private final BigtableDataClient client;
  private final TableId table;

  public BigtableRecordStore(BigtableDataClient client, String tableId) {
    this.client = client;
    this.table = TableId.of(tableId);
  }

  @Override
  public Optional<Versioned> load(RecordKey key) {
    Row row;
    try {
      row = client.readRow(table, rowKey(key), FILTERS.limit().cellsPerColumn(1));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable read failed", e);
    }
    if (row == null || row.getCells(STATE, "version").isEmpty()) {
      return Optional.empty();
    }
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    for (RowCell cell : row.getCells(OUTBOX)) {
      OutboxEntry entry = StoredRecordCodec.decodeOutboxEntry(cell.getValue().toByteArray());
      outbox.put(entry.peer(), entry);
    }
    StoredRecord record = new StoredRecord(
        StoredRecordCodec.decodeState(value(row, "state")),
        outbox,
        StoredRecordCodec.decodeAppliedIntents(value(row, "applied")));
    return Optional.of(new Versioned(record, ByteBuffer.wrap(value(row, "version")).getLong()));
  }

  private static byte[] value(Row row, String qualifier) {
    return row.getCells(STATE, qualifier).get(0).getValue().toByteArray();
  }

  @Override
  public long write(RecordKey key, StoredRecord record, long expectedVersion) {
    byte[] state = StoredRecordCodec.encodeState(record.state());
    Mutation mutation = Mutation.create()
        .deleteFamily(STATE)
        .deleteFamily(OUTBOX)
        .setCell(STATE, ByteString.copyFromUtf8("version"), ByteString.copyFrom(longBytes(expectedVersion + 1)))
        .setCell(STATE, ByteString.copyFromUtf8("state"), ByteString.copyFrom(state))
        .setCell(STATE, ByteString.copyFromUtf8(DIGEST), ByteString.copyFrom(RecordDigest.of(key, state).bytes()))
        .setCell(STATE, ByteString.copyFromUtf8("applied"),
            ByteString.copyFrom(StoredRecordCodec.encodeAppliedIntents(record.appliedIntents())));
    if (!record.outbox().isEmpty()) {
      mutation.setCell(STATE, ByteString.copyFromUtf8("due"), ByteString.copyFrom(longBytes(record.nextDueMillis())));
    }
    for (OutboxEntry entry : record.outbox().values()) {
      mutation.setCell(OUTBOX, ByteString.copyFromUtf8(entry.peer()), ByteString.copyFrom(StoredRecordCodec.encodeOutboxEntry(entry)));
    }
    Filters.Filter versionCell = FILTERS.chain()
        .filter(FILTERS.family().exactMatch(STATE))
        .filter(FILTERS.qualifier().exactMatch("version"))
        .filter(FILTERS.limit().cellsPerColumn(1));
    ConditionalRowMutation write;
    if (expectedVersion == 0) {
      // Only if there is no version cell yet.
      write = ConditionalRowMutation.create(table, rowKey(key)).condition(versionCell).otherwise(mutation);
    } else {
      Filters.Filter expected = FILTERS.chain()
          .filter(versionCell)
          .filter(FILTERS.value().exactMatch(ByteString.copyFrom(longBytes(expectedVersion))));
      write = ConditionalRowMutation.create(table, rowKey(key)).condition(expected).then(mutation);
    }
    boolean matched;
    try {
      matched = client.checkAndMutateRow(write);
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable write failed", e);
    }
    if (matched == (expectedVersion == 0)) {
      throw SynclineException.concurrentModification("record " + key + " changed since it was read");
    }
    return expectedVersion + 1;
  }

  /** Scans the {@code due} cells of the table (Bigtable has no secondary index). */
  @Override
  public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
    Query query = Query.create(table)
        .filter(FILTERS.chain()
            .filter(FILTERS.family().exactMatch(STATE))
            .filter(FILTERS.qualifier().exactMatch("due"))
            .filter(FILTERS.limit().cellsPerColumn(1))
            .filter(FILTERS.value().range().endClosed(ByteString.copyFrom(longBytes(Math.max(0, nowMillis)))))
            .filter(FILTERS.value().strip()))
        .limit(limit);
    List<RecordKey> out = new ArrayList<>();
    try {
      for (Row row : client.readRows(query)) {
        out.add(keyOf(row.getKey()));
      }
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable scan failed", e);
    }
    return out;
  }

  /**
   * Reads the bucket's row-key range ({@code bbb#} to {@code bbb$}), after the cursor's row if
   * there is one, at most {@code limit} rows, and of each row only the latest {@code s:h} cell. The
   * cursor is the last row key read; a page of fewer than {@code limit} rows is the last.
   */
  @Override
  public BucketPage scanBucket(int bucket, String cursor, int limit) {
    if (bucket < 0 || bucket >= RecordDigest.BUCKETS) {
      throw new IllegalArgumentException("bucket " + bucket + " is out of range");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one record");
    }
    String prefix = bucketPrefix(bucket);
    ByteStringRange range = ByteStringRange.prefix(prefix);
    if (cursor != null) {
      if (!cursor.startsWith(prefix)) {
        throw new IllegalArgumentException("the cursor is not one of bucket " + bucket);
      }
      range = range.startOpen(ByteString.copyFromUtf8(cursor));
    }
    Query query = Query.create(table)
        .range(range)
        .filter(FILTERS.chain()
            .filter(FILTERS.family().exactMatch(STATE))
            .filter(FILTERS.qualifier().exactMatch(DIGEST))
            .filter(FILTERS.limit().cellsPerColumn(1)))
        .limit(limit);
    List<BucketPage.Entry> entries = new ArrayList<>();
    ByteString last = null;
    int rows = 0;
    try {
      for (Row row : client.readRows(query)) {
        rows++;
        List<RowCell> cells = row.getCells(STATE, DIGEST);
        if (!cells.isEmpty()) {
          entries.add(new BucketPage.Entry(keyOf(row.getKey()), Digest.ofBytes(cells.get(0).getValue().toByteArray())));
        }
        last = row.getKey();
      }
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable bucket scan failed", e);
    }
    String next = rows >= limit ? last.toString(StandardCharsets.UTF_8) : null;
    return new BucketPage(entries, next);
  }

  /** The row key of a record: its bucket as three lower-case hex digits, {@code #}, its subject. */
  static String rowKey(RecordKey key) {
    return bucketPrefix(RecordDigest.bucket(key)) + key.subject();
  }

  private static String bucketPrefix(int bucket) {
    return String.format(Locale.ROOT, "%03x#", bucket);
  }

  /** The record a row key names: the subject after the bucket's four characters. */
  private static RecordKey keyOf(ByteString rowKey) {
    return RecordKey.fromSubject(rowKey.toString(StandardCharsets.UTF_8).substring(4));
  }

  /** Big-endian: non-negative longs then compare as bytes the way they compare as numbers. */
  static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  /** Creates the records table, keeping one version of each cell; for tests and the sandbox. */
  public static void createTable(BigtableTableAdminClient admin, String tableId) {
    admin.createTable(CreateTableRequest.of(tableId)
        .addFamily(STATE, GCRules.GCRULES.maxVersions(1))
        .addFamily(OUTBOX, GCRules.GCRULES.maxVersions(1)));
  }
}
