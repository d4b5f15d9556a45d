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
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;

/**
 * {@link DedupeStore} on Bigtable: one row per intent key in family {@value #FAMILY} (status,
 * token, leaseUntil, expiresAt and a revision {@code rev} that every write renews). A claim of a
 * new key is a check-and-mutate that writes only if the row has no cell; a takeover of an
 * expired entry or lapsed lease writes only if {@code rev} is still the one read. The family's
 * max-age GC rule removes old rows in Bigtable; reads check {@code expiresAt} themselves, since
 * GC runs late.
 */
public final class BigtableDedupeStore implements DedupeStore {

  static final String FAMILY = "d";
  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";

  private final BigtableDataClient client;
  private final TableId table;

  public BigtableDedupeStore(BigtableDataClient client, String tableId) {
    this.client = client;
    this.table = TableId.of(tableId);
  }

  private record Entry(String status, String token, long leaseUntil, long expiresAt, ByteString rev) {}

  private static Mutation entry(String status, String token, long leaseUntil, long expiresAt) {
    return Mutation.create()
        .deleteFamily(FAMILY)
        .setCell(FAMILY, "status", status)
        .setCell(FAMILY, "token", token == null ? "" : token)
        .setCell(FAMILY, ByteString.copyFromUtf8("leaseUntil"), ByteString.copyFrom(BigtableRecordStore.longBytes(leaseUntil)))
        .setCell(FAMILY, ByteString.copyFromUtf8("expiresAt"), ByteString.copyFrom(BigtableRecordStore.longBytes(expiresAt)))
        .setCell(FAMILY, "rev", UUID.randomUUID().toString());
  }

  @Override
  public Claim claim(String key, String token, long now, long leaseUntil, long expiresAt) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Entry found = read(key);
      Filters.Filter condition;
      if (found == null) {
        condition = FILTERS.family().exactMatch(FAMILY);
      } else {
        if (found.expiresAt() > now) {
          if (COMPLETED.equals(found.status())) {
            return new Claim.AlreadyCompleted();
          }
          if (found.leaseUntil() > now) {
            return new Claim.InProgress(found.leaseUntil());
          }
        }
        condition = FILTERS.chain()
            .filter(FILTERS.family().exactMatch(FAMILY))
            .filter(FILTERS.qualifier().exactMatch("rev"))
            .filter(FILTERS.limit().cellsPerColumn(1))
            .filter(FILTERS.value().exactMatch(found.rev()));
      }
      ConditionalRowMutation write = ConditionalRowMutation.create(table, key).condition(condition);
      Mutation mine = entry(IN_PROGRESS, token, leaseUntil, expiresAt);
      boolean matched;
      try {
        matched = client.checkAndMutateRow(found == null ? write.otherwise(mine) : write.then(mine));
      } catch (ApiException e) {
        throw SynclineException.unavailable("Bigtable dedupe claim failed", e);
      }
      if (matched == (found != null)) {
        return new Claim.Acquired();
      }
    }
    throw SynclineException.concurrentModification("dedupe entry kept changing during the claim");
  }

  @Override
  public void complete(String key, long expiresAt) {
    try {
      client.mutateRow(RowMutation.create(table, key, entry(COMPLETED, null, 0, expiresAt)));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dedupe completion failed", e);
    }
  }

  @Override
  public void release(String key, String token) {
    Entry found = read(key);
    if (found == null || !IN_PROGRESS.equals(found.status()) || !token.equals(found.token())) {
      return;
    }
    Filters.Filter same = FILTERS.chain()
        .filter(FILTERS.family().exactMatch(FAMILY))
        .filter(FILTERS.qualifier().exactMatch("rev"))
        .filter(FILTERS.limit().cellsPerColumn(1))
        .filter(FILTERS.value().exactMatch(found.rev()));
    try {
      client.checkAndMutateRow(ConditionalRowMutation.create(table, key).condition(same).then(Mutation.create().deleteRow()));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dedupe release failed", e);
    }
  }

  @Override
  public boolean isCompleted(String key, long nowMillis) {
    Entry found = read(key);
    return found != null && COMPLETED.equals(found.status()) && found.expiresAt() > nowMillis;
  }

  private Entry read(String key) {
    Row row;
    try {
      row = client.readRow(table, key, FILTERS.limit().cellsPerColumn(1));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dedupe read failed", e);
    }
    if (row == null || row.getCells(FAMILY, "rev").isEmpty()) {
      return null;
    }
    return new Entry(
        text(row, "status"), text(row, "token"), number(row, "leaseUntil"), number(row, "expiresAt"),
        row.getCells(FAMILY, "rev").get(0).getValue());
  }

  private static String text(Row row, String qualifier) {
    return row.getCells(FAMILY, qualifier).get(0).getValue().toStringUtf8();
  }

  private static long number(Row row, String qualifier) {
    return ByteBuffer.wrap(row.getCells(FAMILY, qualifier).get(0).getValue().toByteArray()).getLong();
  }

  /**
   * Creates the dedupe table with a max-age GC rule on its family ({@code maxAge}: at least the
   * dedupe TTL); for tests and the sandbox (Terraform in Google Cloud).
   */
  public static void createTable(BigtableTableAdminClient admin, String tableId, Duration maxAge) {
    admin.createTable(CreateTableRequest.of(tableId).addFamily(FAMILY,
        GCRules.GCRULES.union().rule(GCRules.GCRULES.maxAge(maxAge.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).rule(GCRules.GCRULES.maxVersions(1))));
  }
}
