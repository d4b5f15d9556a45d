package dev.syncline.azure.tables;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
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
 * entity over 1 MiB is refused before anything is written.
 *
 * <p>The partition key is the record's anti-entropy bucket ({@link RecordDigest#bucket}) as three
 * lower-case hex digits, a {@code .}, and the record's subject in URL-safe base64 (Table keys may
 * not contain {@code /}), so that one bucket is one partition-range query. Every write also keeps
 * the digest of the state ({@link RecordDigest#of}) on the record entity, as the 16-byte binary
 * property {@code h}, which {@link #scanBucket} reads without the state.
 */
public final class TableStorageRecordStore implements RecordStore {

  static final String RECORD_ROW = "record";
  static final String OUTBOX_PREFIX = "outbox-";
  /** The record entity's property that holds the digest of its state. */
  static final String DIGEST = "h";
  /** The most entities Table Storage returns in one page of a query. */
  static final int MAX_PAGE = 1000;
  /** Table Storage's entity limit, 1 MiB, less room for property names and system properties. */
  static final int MAX_ENTITY_BYTES = 1024 * 1024 - 16 * 1024;

  /**
   * An entity-group transaction's whole request must fit 4 MiB, with binary properties in base64
   * (Azure refuses more with 413; Azurite does not check). Kept below that for the batch's own
   * multipart headers.
   */
  static final int MAX_TRANSACTION_BYTES = 4 * 1024 * 1024 - 64 * 1024;

  /** At most this many partitions are remembered between a load and the write that follows. */
  static final int MAX_REMEMBERED = 10_000;

  private final TableClient table;
  private final int maxTransactionBytes;
  /**
   * The partition each recent {@link #load} read, so that the write that follows needs no second
   * read for the record's ETag and outbox rows. A stale entry is harmless: every write replaces
   * the record entity, so a stale ETag fails the transaction (a lost race, retried on fresh state).
   */
  private final Map<RecordKey, Read> lastRead = new ConcurrentHashMap<>();

  private record Read(long version, Map<String, TableEntity> rows) {}

  public TableStorageRecordStore(TableClient table) {
    this(table, MAX_TRANSACTION_BYTES);
  }

  /** A store with another transaction limit, for tests. */
  TableStorageRecordStore(TableClient table, int maxTransactionBytes) {
    this.table = table;
    this.maxTransactionBytes = maxTransactionBytes;
  }

  /** {@code <bucket, 3 hex digits>.<subject in URL-safe base64>}. */
  static String partitionOf(RecordKey key) {
    return bucketPrefix(RecordDigest.bucket(key))
        + Base64.getUrlEncoder().withoutPadding().encodeToString(key.subject().getBytes(StandardCharsets.UTF_8));
  }

  /** What every partition key of a bucket starts with: three lower-case hex digits and a {@code .}. */
  static String bucketPrefix(int bucket) {
    return String.format("%03x.", bucket);
  }

  /** The partition's entities by row key, as stored now. */
  private Map<String, TableEntity> partition(RecordKey key) {
    Map<String, TableEntity> rows = new HashMap<>();
    try {
      ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq '" + partitionOf(key) + "'");
      for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
        rows.put(e.getRowKey(), e);
      }
    } catch (HttpResponseException | UncheckedIOException e) {
      throw readFailure(e);
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
    byte[] state = StoredRecordCodec.encodeState(record.state());
    TableEntity next = new TableEntity(pk, RECORD_ROW)
        .addProperty("subject", key.subject())
        .addProperty("version", expectedVersion + 1)
        .addProperty("owing", !record.outbox().isEmpty())
        .addProperty("due", record.nextDueMillis())
        .addProperty(DIGEST, RecordDigest.of(key, state).bytes());
    Chunks.put(next, "state", state);
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
    long transactionBytes = 0;
    for (TableTransactionAction action : actions) {
      if (!action.getEntity().getPartitionKey().equals(pk)) {
        throw new IllegalStateException("a record write must stay in its own partition");
      }
      transactionBytes += requestBytes(action.getEntity());
    }
    if (transactionBytes > maxTransactionBytes) {
      throw SynclineException.tooLarge("record " + key + " would take a " + transactionBytes
          + "-byte transaction; an entity-group transaction holds at most 4 MiB");
    }
    try {
      table.submitTransaction(actions);
    } catch (TableServiceException e) {
      throw translate(key, e);
    } catch (HttpResponseException | UncheckedIOException e) {
      throw readFailure(e);
    }
    return expectedVersion + 1;
  }

  /**
   * What a failed write means: a lost race only if a condition of ours failed (the record was
   * created or changed by someone else, or an outbox row we delete is gone); a request or entity
   * too large is {@code TOO_LARGE}; a missing table is a configuration error; anything else
   * (throttling, a table being deleted, a server error) may pass on a retry.
   */
  static SynclineException translate(RecordKey key, TableServiceException e) {
    TableErrorCode code = e.getValue() == null ? null : e.getValue().getErrorCode();
    int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    return translate(key, status, code, e);
  }

  static SynclineException translate(RecordKey key, int status, TableErrorCode code, Throwable cause) {
    if (status == 413 || TableErrorCode.ENTITY_TOO_LARGE.equals(code) || TableErrorCode.PROPERTY_VALUE_TOO_LARGE.equals(code)) {
      return SynclineException.tooLarge("Table Storage refused record " + key + " as too large (HTTP " + status + ")");
    }
    if (TableErrorCode.TABLE_NOT_FOUND.equals(code)) {
      return SynclineException.configuration("the records table does not exist; create it (Terraform does) before use");
    }
    if (TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(code)
        || TableErrorCode.ENTITY_ALREADY_EXISTS.equals(code)
        || TableErrorCode.ENTITY_NOT_FOUND.equals(code)
        || TableErrorCode.RESOURCE_NOT_FOUND.equals(code)
        || (status == 412 && code == null)) {
      return SynclineException.concurrentModification("record " + key + " changed since it was read");
    }
    return SynclineException.unavailable("Table Storage transaction failed with HTTP " + status, cause);
  }

  /**
   * A failed read or query: the SDK reports a query's errors with exceptions of its
   * implementation (not always {@link TableServiceException}), so only the status tells a missing
   * table (404 on a query) from a passing failure.
   */
  private static SynclineException readFailure(RuntimeException e) {
    if (e instanceof HttpResponseException h && h.getResponse() != null && h.getResponse().getStatusCode() == 404) {
      return SynclineException.configuration("the records table does not exist; create it (Terraform does) before use");
    }
    return SynclineException.unavailable("Table Storage request failed", e);
  }

  /** An entity's share of a transaction's request: binary values in base64, plus names and framing. */
  private static long requestBytes(TableEntity entity) {
    long bytes = 512;
    for (Map.Entry<String, Object> p : entity.getProperties().entrySet()) {
      Object v = p.getValue();
      bytes += p.getKey().length() + 32 + (v instanceof byte[] b ? 4L * ((b.length + 2) / 3) : String.valueOf(v).length());
    }
    return bytes;
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
    } catch (HttpResponseException | UncheckedIOException e) {
      throw readFailure(e);
    }
    return out;
  }

  /**
   * One partition-range query over the bucket's partitions ({@code PartitionKey ge 'bbb.' and lt
   * 'bbb/'}, since {@code /} follows {@code .}), of the record entities only, selecting the subject
   * and the digest: one request per page. The cursor is the query's continuation token (the next
   * partition and row key), so a page resumes where the one before stopped whatever was written
   * since. Table Storage may end a page early, even empty, with a continuation (at a partition
   * server's boundary, or after 5 s); such a page is returned as it is, with its cursor.
   */
  @Override
  public BucketPage scanBucket(int bucket, String cursor, int limit) {
    if (bucket < 0 || bucket >= RecordDigest.BUCKETS) {
      throw new IllegalArgumentException("bucket " + bucket + " is out of range");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    String from = bucketPrefix(bucket);
    String to = from.substring(0, 3) + "/";
    ListEntitiesOptions options = new ListEntitiesOptions()
        .setFilter("PartitionKey ge '" + from + "' and PartitionKey lt '" + to + "' and RowKey eq '" + RECORD_ROW + "'")
        .setSelect(List.of("subject", DIGEST))
        .setTop(Math.min(limit, MAX_PAGE));
    try {
      var pages = cursor == null
          ? table.listEntities(options, null, Context.NONE).iterableByPage()
          : table.listEntities(options, null, Context.NONE).iterableByPage(cursor);
      Iterator<PagedResponse<TableEntity>> it = pages.iterator();
      if (!it.hasNext()) {
        return new BucketPage(List.of(), null);
      }
      PagedResponse<TableEntity> page = it.next();
      List<BucketPage.Entry> entries = new ArrayList<>();
      for (TableEntity e : page.getValue()) {
        entries.add(new BucketPage.Entry(RecordKey.fromSubject((String) e.getProperty("subject")), digestOf(e)));
      }
      String next = page.getContinuationToken();
      return new BucketPage(entries, next == null || next.isEmpty() ? null : next);
    } catch (HttpResponseException | UncheckedIOException e) {
      throw readFailure(e);
    }
  }

  private static Digest digestOf(TableEntity record) {
    Object h = record.getProperty(DIGEST);
    if (h instanceof byte[] bytes) {
      return Digest.ofBytes(bytes);
    }
    if (h instanceof String base64) { // a binary property whose type annotation did not come back
      return Digest.ofBytes(Base64.getDecoder().decode(base64));
    }
    throw new IllegalStateException("record entity " + record.getPartitionKey() + " has no digest '" + DIGEST + "'");
  }
}
