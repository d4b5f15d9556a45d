package dev.syncline.azure.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RecordStore} on Azure Table Storage. A record is one partition: the entity {@code
 * record} (version, state, applied intents, and the drain's {@code owing}/{@code due}) and one
 * entity {@code outbox-<peer>} per peer it owes. Every write is ONE entity-group transaction in
 * that partition, conditional on the record entity's ETag ({@code If-Match}), so state and outbox
 * change together or not at all. Large values are split across 64 KiB binary properties; an
 * entity over 1 MiB is refused before anything is written. The partition key is the record's
 * subject in URL-safe base64, since Table keys may not contain {@code /}.
 */
public final class TableStorageRecordStore implements RecordStore {

  static final String RECORD_ROW = "record";
  static final String OUTBOX_PREFIX = "outbox-";
  /** Table Storage's entity limit, 1 MiB, less room for property names and system properties. */
  static final int MAX_ENTITY_BYTES = 1024 * 1024 - 16 * 1024;

  /** At most this many partitions are remembered between a load and the write that follows. */
  static final int MAX_REMEMBERED = 10_000;

  private final TableClient table;
  /**
   * The partition each recent {@link #load} read, so that the write that follows needs no second
   * read for the record's ETag and outbox rows. A stale entry is harmless: every write replaces
   * the record entity, so a stale ETag fails the transaction (a lost race, retried on fresh state).
   */
  private final Map<RecordKey, Read> lastRead = new ConcurrentHashMap<>();

  private record Read(long version, Map<String, TableEntity> rows) {}

  public TableStorageRecordStore(TableClient table) {
    this.table = table;
  }

  static String partitionOf(RecordKey key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.subject().getBytes(StandardCharsets.UTF_8));
  }

  /** The partition's entities by row key, as stored now. */
  private Map<String, TableEntity> partition(RecordKey key) {
    Map<String, TableEntity> rows = new HashMap<>();
    try {
      ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq '" + partitionOf(key) + "'");
      for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
        rows.put(e.getRowKey(), e);
      }
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage read failed", e);
    }
    return rows;
  }

  @Override
  public Optional<Versioned> load(RecordKey key) {
    Map<String, TableEntity> rows = partition(key);
    TableEntity record = rows.get(RECORD_ROW);
    if (record == null) {
      return Optional.empty();
    }
    if (lastRead.size() >= MAX_REMEMBERED) {
      lastRead.clear();
    }
    lastRead.put(key, new Read(((Number) record.getProperty("version")).longValue(), rows));
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    rows.forEach((row, entity) -> {
      if (row.startsWith(OUTBOX_PREFIX)) {
        OutboxEntry entry = StoredRecordCodec.decodeOutboxEntry(Chunks.get(entity, "entry"));
        outbox.put(entry.peer(), entry);
      }
    });
    StoredRecord stored = new StoredRecord(
        StoredRecordCodec.decodeState(Chunks.get(record, "state")),
        outbox,
        StoredRecordCodec.decodeAppliedIntents(Chunks.get(record, "applied")));
    return Optional.of(new Versioned(stored, ((Number) record.getProperty("version")).longValue()));
  }

  @Override
  public long write(RecordKey key, StoredRecord record, long expectedVersion) {
    String pk = partitionOf(key);
    Read remembered = lastRead.remove(key);
    Map<String, TableEntity> current =
        remembered != null && remembered.version() == expectedVersion ? remembered.rows() : partition(key);
    TableEntity stored = current.get(RECORD_ROW);
    long storedVersion = stored == null ? 0 : ((Number) stored.getProperty("version")).longValue();
    if (storedVersion != expectedVersion) {
      throw SynclineException.concurrentModification("record " + key + " changed since it was read");
    }
    TableEntity next = new TableEntity(pk, RECORD_ROW)
        .addProperty("subject", key.subject())
        .addProperty("version", expectedVersion + 1)
        .addProperty("owing", !record.outbox().isEmpty())
        .addProperty("due", record.nextDueMillis());
    Chunks.put(next, "state", StoredRecordCodec.encodeState(record.state()));
    Chunks.put(next, "applied", StoredRecordCodec.encodeAppliedIntents(record.appliedIntents()));
    requireFits(key, next);
    List<TableTransactionAction> actions = new ArrayList<>();
    if (stored == null) {
      actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, next));
    } else {
      next.getProperties().put("odata.etag", stored.getETag());
      actions.add(new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, next, true));
    }
    for (OutboxEntry entry : record.outbox().values()) {
      TableEntity row = new TableEntity(pk, OUTBOX_PREFIX + entry.peer());
      Chunks.put(row, "entry", StoredRecordCodec.encodeOutboxEntry(entry));
      requireFits(key, row);
      actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, row));
    }
    current.forEach((row, entity) -> {
      if (row.startsWith(OUTBOX_PREFIX) && !record.outbox().containsKey(row.substring(OUTBOX_PREFIX.length()))) {
        actions.add(new TableTransactionAction(TableTransactionActionType.DELETE, entity));
      }
    });
    // One partition per transaction: Azure rejects cross-partition batches (Azurite does not).
    for (TableTransactionAction action : actions) {
      if (!action.getEntity().getPartitionKey().equals(pk)) {
        throw new IllegalStateException("a record write must stay in its own partition");
      }
    }
    try {
      table.submitTransaction(actions);
    } catch (TableTransactionFailedException e) {
      if (lostRace(e)) {
        throw SynclineException.concurrentModification("record " + key + " changed since it was read");
      }
      throw SynclineException.unavailable("Table Storage transaction failed", e);
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage transaction failed", e);
    }
    return expectedVersion + 1;
  }

  /** A failed condition: the record was created, changed or deleted by someone else. */
  private static boolean lostRace(TableTransactionFailedException e) {
    TableErrorCode code = e.getValue() == null ? null : e.getValue().getErrorCode();
    int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    return TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(code)
        || TableErrorCode.ENTITY_ALREADY_EXISTS.equals(code)
        || TableErrorCode.ENTITY_NOT_FOUND.equals(code)
        || TableErrorCode.RESOURCE_NOT_FOUND.equals(code)
        || status == 409 || status == 412 || status == 404;
  }

  private static void requireFits(RecordKey key, TableEntity entity) {
    long bytes = 0;
    for (Object value : entity.getProperties().values()) {
      bytes += value instanceof byte[] b ? b.length : 64;
    }
    if (bytes > MAX_ENTITY_BYTES) {
      throw SynclineException.tooLarge(
          "record " + key + " would take " + bytes + " bytes in one entity; Table Storage holds at most 1 MiB");
    }
  }

  /**
   * Table Storage has no secondary index, so this filters the record rows of the whole table;
   * the drain runs it once a minute.
   */
  @Override
  public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
    ListEntitiesOptions options = new ListEntitiesOptions()
        .setFilter("RowKey eq '" + RECORD_ROW + "' and owing eq true and due le " + nowMillis + "L")
        .setSelect(List.of("subject"));
    List<RecordKey> out = new ArrayList<>();
    try {
      for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
        if (out.size() >= limit) {
          break;
        }
        out.add(RecordKey.fromSubject((String) e.getProperty("subject")));
      }
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage query failed", e);
    }
    return out;
  }
}
