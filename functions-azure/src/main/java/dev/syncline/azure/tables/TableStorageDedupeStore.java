package dev.syncline.azure.tables;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.util.List;

/**
 * {@link DedupeStore} on Azure Table Storage: one entity per intent (partition key = the dedupe
 * key, which is URL-safe base64; row key empty). A claim inserts the entity; if it exists and
 * has expired or its lease has lapsed, it is replaced with {@code If-Match} on the ETag read, so
 * two claimers never both win. Table Storage has no TTL: {@link #deleteExpired} removes old rows,
 * and the drain timer calls it.
 */
public final class TableStorageDedupeStore implements DedupeStore {

  private static final String ROW = "";
  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";

  private final TableClient table;

  public TableStorageDedupeStore(TableClient table) {
    this.table = table;
  }

  private static TableEntity entity(String key, String status, String token, long leaseUntil, long expiresAt) {
    return new TableEntity(key, ROW)
        .addProperty("status", status)
        .addProperty("token", token == null ? "" : token)
        .addProperty("leaseUntil", leaseUntil)
        .addProperty("expiresAt", expiresAt);
  }

  @Override
  public Claim claim(String key, String token, long now, long leaseUntil, long expiresAt) {
    TableEntity mine = entity(key, IN_PROGRESS, token, leaseUntil, expiresAt);
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        table.createEntity(mine);
        return new Claim.Acquired();
      } catch (TableServiceException e) {
        if (status(e) != 409) {
          throw SynclineException.unavailable("Table Storage dedupe claim failed", e);
        }
      }
      TableEntity found = read(key);
      if (found == null) {
        continue; // deleted meanwhile: insert again
      }
      long foundExpires = longOf(found, "expiresAt");
      if (foundExpires > now) {
        if (COMPLETED.equals(found.getProperty("status"))) {
          return new Claim.AlreadyCompleted();
        }
        long foundLease = longOf(found, "leaseUntil");
        if (foundLease > now) {
          return new Claim.InProgress(foundLease);
        }
      }
      try {
        TableEntity takeover = entity(key, IN_PROGRESS, token, leaseUntil, expiresAt);
        takeover.getProperties().put("odata.etag", found.getETag());
        table.updateEntityWithResponse(takeover, TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
        return new Claim.Acquired();
      } catch (TableServiceException e) {
        int status = status(e);
        if (status != 412 && status != 404) {
          throw SynclineException.unavailable("Table Storage dedupe claim failed", e);
        }
      }
    }
    throw SynclineException.concurrentModification("dedupe entry kept changing during the claim");
  }

  @Override
  public void complete(String key, long expiresAt) {
    try {
      table.upsertEntityWithResponse(entity(key, COMPLETED, null, 0, expiresAt), TableEntityUpdateMode.REPLACE, null, Context.NONE);
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage dedupe completion failed", e);
    }
  }

  @Override
  public void release(String key, String token) {
    TableEntity found = read(key);
    if (found == null || !IN_PROGRESS.equals(found.getProperty("status")) || !token.equals(found.getProperty("token"))) {
      return;
    }
    try {
      table.deleteEntityWithResponse(found, true, null, Context.NONE);
    } catch (TableServiceException e) {
      if (status(e) != 412 && status(e) != 404) {
        throw SynclineException.unavailable("Table Storage dedupe release failed", e);
      }
    }
  }

  @Override
  public boolean isCompleted(String key, long nowMillis) {
    TableEntity found = read(key);
    return found != null && COMPLETED.equals(found.getProperty("status")) && longOf(found, "expiresAt") > nowMillis;
  }

  /**
   * Deletes up to {@code limit} entries that expired before {@code nowMillis}; Table Storage has
   * no TTL of its own. @return how many were deleted
   */
  public int deleteExpired(long nowMillis, int limit) {
    int deleted = 0;
    try {
      ListEntitiesOptions options = new ListEntitiesOptions().setFilter("expiresAt le " + nowMillis + "L");
      for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
        if (deleted >= limit) {
          break;
        }
        try {
          table.deleteEntityWithResponse(e, true, null, Context.NONE);
          deleted++;
        } catch (TableServiceException raced) {
          if (status(raced) != 412 && status(raced) != 404) {
            throw raced;
          }
        }
      }
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage dedupe cleanup failed", e);
    }
    return deleted;
  }

  private TableEntity read(String key) {
    try {
      return table.getEntityWithResponse(key, ROW, List.of(), null, Context.NONE).getValue();
    } catch (TableServiceException e) {
      if (status(e) == 404) {
        return null;
      }
      throw SynclineException.unavailable("Table Storage dedupe read failed", e);
    }
  }

  private static long longOf(TableEntity e, String name) {
    return ((Number) e.getProperty(name)).longValue();
  }

  private static int status(TableServiceException e) {
    return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
  }
}
