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
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link DedupeStore} on Bigtable: one row per intent key in family {@value #FAMILY} (status,
 * token, leaseUntil, expiresAt and a revision {@code rev} that every write renews, the entry's
 * version). An insert is a check-and-mutate that writes only if the row has no cell; a replace
 * or delete, one that writes only if {@code rev} is still the one read. The family's max-age GC
 * rule removes old rows in Bigtable, so there is nothing to sweep.
 */
public final class BigtableDedupeStore implements DedupeStore {

  static final String FAMILY = "d";

  private final BigtableDataClient client;
  private final TableId table;

  public BigtableDedupeStore(BigtableDataClient client, String tableId) {
    this.client = client;
    this.table = TableId.of(tableId);
  }

  @Override
  public Optional<DedupeEntry> read(String key) {
    Row row;
    try {
      row = client.readRow(table, key, FILTERS.limit().cellsPerColumn(1));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dedupe read failed", e);
    }
    if (row == null || row.getCells(FAMILY, "rev").isEmpty()) {
      return Optional.empty();
    }
    String token = text(row, "token");
    return Optional.of(new DedupeEntry(
        key, DedupeEntry.Status.valueOf(text(row, "status")), token.isEmpty() ? null : token,
        number(row, "leaseUntil"), number(row, "expiresAt"), text(row, "rev")));
  }

  @Override
  public boolean insertIfAbsent(DedupeEntry entry) {
    // The condition matches a row with any cell in the family; the mutation runs if none does.
    return !checkAndMutate(entry.key(), FILTERS.family().exactMatch(FAMILY), null, mutation(entry));
  }

  @Override
  public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
    return checkAndMutate(expected.key(), sameRev(expected), mutation(next), null);
  }

  @Override
  public boolean deleteIfUnchanged(DedupeEntry expected) {
    return checkAndMutate(expected.key(), sameRev(expected), Mutation.create().deleteRow(), null);
  }

  /** @return whether {@code condition} matched */
  private boolean checkAndMutate(String key, Filters.Filter condition, Mutation then, Mutation otherwise) {
    ConditionalRowMutation write = ConditionalRowMutation.create(table, key).condition(condition);
    try {
      return client.checkAndMutateRow(then != null ? write.then(then) : write.otherwise(otherwise));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dedupe write failed", e);
    }
  }

  private static Filters.Filter sameRev(DedupeEntry expected) {
    return FILTERS.chain()
        .filter(FILTERS.family().exactMatch(FAMILY))
        .filter(FILTERS.qualifier().exactMatch("rev"))
        .filter(FILTERS.limit().cellsPerColumn(1))
        .filter(FILTERS.value().exactMatch(expected.version()));
  }

  private static Mutation mutation(DedupeEntry entry) {
    return Mutation.create()
        .deleteFamily(FAMILY)
        .setCell(FAMILY, "status", entry.status().name())
        .setCell(FAMILY, "token", entry.token() == null ? "" : entry.token())
        .setCell(FAMILY, ByteString.copyFromUtf8("leaseUntil"), ByteString.copyFrom(BigtableRecordStore.longBytes(entry.leaseUntilMillis())))
        .setCell(FAMILY, ByteString.copyFromUtf8("expiresAt"), ByteString.copyFrom(BigtableRecordStore.longBytes(entry.expiresAtMillis())))
        .setCell(FAMILY, "rev", UUID.randomUUID().toString());
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
        GCRules.GCRULES.union().rule(GCRules.GCRULES.maxAge(maxAge.toSeconds(), TimeUnit.SECONDS)).rule(GCRules.GCRULES.maxVersions(1))));
  }
}
