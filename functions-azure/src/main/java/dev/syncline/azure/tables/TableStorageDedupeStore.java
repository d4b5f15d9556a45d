package dev.syncline.azure.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.List;
import java.util.Optional;

/**
 * {@link DedupeStore} on Azure Table Storage: one entity per intent (partition key = the dedupe
 * key, which is URL-safe base64; row key empty) with {@code status}, {@code token} (empty once
 * completed), {@code leaseUntil} and {@code expiresAt}. An entry's version is its ETag: a replace
 * or delete sends it as {@code If-Match}. Table Storage has no TTL, so {@link #sweepExpired} deletes
 * expired entities, each conditional on the ETag it was listed with.
 */
public final class TableStorageDedupeStore implements DedupeStore {

  private static final String ROW = "";

  private final TableClient table;

  public TableStorageDedupeStore(TableClient table) {
    this.table = table;
  }

  @Override
  public Optional<DedupeEntry> read(String key) {
    try {
      return Optional.of(entry(table.getEntityWithResponse(key, ROW, List.of(), null, Context.NONE).getValue()));
    } catch (TableServiceException e) {
      if (status(e) == 404) {
        return Optional.empty();
      }
      throw SynclineException.unavailable("Table Storage dedupe read failed", e);
    }
  }

  @Override
  public boolean insertIfAbsent(DedupeEntry entry) {
    try {
      table.createEntity(entity(entry, null));
      return true;
    } catch (TableServiceException e) {
      return refused(e, 409, "insert");
    }
  }

  @Override
  public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
    try {
      table.updateEntityWithResponse(entity(next, etag(expected)), TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
      return true;
    } catch (TableServiceException e) {
      return refused(e, 412, "replace");
    }
  }

  @Override
  public boolean deleteIfUnchanged(DedupeEntry expected) {
    try {
      // The SDK answers a missing entity with 404 rather than throwing.
      return table.deleteEntityWithResponse(entity(expected, etag(expected)), true, null, Context.NONE).getStatusCode() != 404;
    } catch (TableServiceException e) {
      return refused(e, 412, "delete");
    }
  }

  @Override
  public int sweepExpired(long nowMillis, int limit) {
    int deleted = 0;
    try {
      ListEntitiesOptions expired = new ListEntitiesOptions().setFilter("expiresAt le " + nowMillis + "L");
      for (TableEntity e : table.listEntities(expired, null, Context.NONE)) {
        if (deleted >= limit) {
          break;
        }
        if (deleteIfUnchanged(entry(e))) {
          deleted++;
        }
      }
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage dedupe sweep failed", e);
    }
    return deleted;
  }

  private static TableEntity entity(DedupeEntry entry, String etag) {
    TableEntity entity = new TableEntity(entry.key(), ROW)
        .addProperty("status", entry.status().name())
        .addProperty("token", entry.token() == null ? "" : entry.token())
        .addProperty("leaseUntil", entry.leaseUntilMillis())
        .addProperty("expiresAt", entry.expiresAtMillis());
    if (etag != null) {
      entity.getProperties().put("odata.etag", etag);
    }
    return entity;
  }

  /** The ETag {@code expected} was read with; without one the SDK would write unconditionally. */
  private static String etag(DedupeEntry expected) {
    if (expected.version() == null) {
      throw new IllegalArgumentException("a conditional write needs the entry as read, with its ETag");
    }
    return expected.version();
  }

  private static DedupeEntry entry(TableEntity e) {
    String token = (String) e.getProperty("token");
    return new DedupeEntry(
        e.getPartitionKey(), DedupeEntry.Status.valueOf((String) e.getProperty("status")),
        token == null || token.isEmpty() ? null : token,
        ((Number) e.getProperty("leaseUntil")).longValue(), ((Number) e.getProperty("expiresAt")).longValue(),
        e.getETag());
  }

  /** False for the status that means the condition failed (or, for 412, that the entity is gone). */
  private static boolean refused(TableServiceException e, int conditionFailed, String what) {
    int status = status(e);
    if (status == conditionFailed || (conditionFailed == 412 && status == 404)) {
      return false;
    }
    throw SynclineException.unavailable("Table Storage dedupe " + what + " failed", e);
  }

  private static int status(TableServiceException e) {
    return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
  }
}
