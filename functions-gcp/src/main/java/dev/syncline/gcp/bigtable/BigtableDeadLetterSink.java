package dev.syncline.gcp.bigtable;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import java.util.UUID;

/** {@link DeadLetterSink} as a Bigtable table: one row per dead letter, kind/id as the row key. */
public final class BigtableDeadLetterSink implements DeadLetterSink {

  static final String FAMILY = "l";

  private final BigtableDataClient client;
  private final TableId table;
  private final Clock clock;

  public BigtableDeadLetterSink(BigtableDataClient client, String tableId, Clock clock) {
    this.client = client;
    this.table = TableId.of(tableId);
    this.clock = clock;
  }

  @Override
  public void accept(DeadLetter letter) {
    RowMutation row = RowMutation.create(table, letter.kind() + "#" + UUID.randomUUID())
        .setCell(FAMILY, "reason", letter.reason())
        .setCell(FAMILY, "at", Long.toString(clock.millis()))
        .setCell(FAMILY, ByteString.copyFromUtf8("payload"), ByteString.copyFrom(letter.payload()));
    if (letter.subject() != null) {
      row.setCell(FAMILY, "subject", letter.subject());
    }
    if (letter.eventId() != null) {
      row.setCell(FAMILY, "eventId", letter.eventId());
    }
    try {
      client.mutateRow(row);
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dead-letter write failed", e);
    }
  }

  /** Creates the dead-letter table; for tests and the sandbox (Terraform in Google Cloud). */
  public static void createTable(BigtableTableAdminClient admin, String tableId) {
    admin.createTable(CreateTableRequest.of(tableId).addFamily(FAMILY));
  }
}
