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
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link RecordStore} on Bigtable: one row per record (row key = the subject). Family {@value
 * #STATE} holds {@code version}, {@code state}, {@code applied} and, while the record owes a
 * peer, {@code due}; family {@value #OUTBOX} one column per peer. Every write is one
 * check-and-mutate on the {@code version} cell (the condition chained with {@code
 * cellsPerColumn(1)}), whose mutation replaces both families, so state and outbox change
 * together or not at all.
 */
public final class BigtableRecordStore implements RecordStore {

  static final String STATE = "s";
  static final String OUTBOX = "o";

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
      row = client.readRow(table, key.subject(), FILTERS.limit().cellsPerColumn(1));
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
    Mutation mutation = Mutation.create()
        .deleteFamily(STATE)
        .deleteFamily(OUTBOX)
        .setCell(STATE, ByteString.copyFromUtf8("version"), ByteString.copyFrom(longBytes(expectedVersion + 1)))
        .setCell(STATE, ByteString.copyFromUtf8("state"), ByteString.copyFrom(StoredRecordCodec.encodeState(record.state())))
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
      write = ConditionalRowMutation.create(table, key.subject()).condition(versionCell).otherwise(mutation);
    } else {
      Filters.Filter expected = FILTERS.chain()
          .filter(versionCell)
          .filter(FILTERS.value().exactMatch(ByteString.copyFrom(longBytes(expectedVersion))));
      write = ConditionalRowMutation.create(table, key.subject()).condition(expected).then(mutation);
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
        out.add(RecordKey.fromSubject(row.getKey().toString(StandardCharsets.UTF_8)));
      }
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable scan failed", e);
    }
    return out;
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
