package dev.syncline.gcp.bigtable;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.StoredDeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@link DeadLetterSink} as a Bigtable table: one row per dead letter, {@code <kind>#<uuid>} as
 * the row key, which is also the letter's id. Family {@value #FAMILY} holds {@code reason}, {@code
 * at} (decimal millis), {@code payload} (the original bytes) and, when known, {@code subject},
 * {@code eventId} and {@code peer}.
 */
public final class BigtableDeadLetterSink implements DeadLetterSink {

  static final String FAMILY = "l";

  /** What an id this sink gave out looks like; anything else is no letter of it, read or not. */
  private static final Pattern ID = Pattern.compile("(INTENT|CHANGE)#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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
    if (letter.peer() != null) {
      row.setCell(FAMILY, "peer", letter.peer());
    }
    try {
      client.mutateRow(row);
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dead-letter write failed", e);
    }
  }

  /** The first {@code limit} rows of the table, in row-key order (kind, then a random id). */
  @Override
  public List<StoredDeadLetter> list(int limit) {
    if (limit < 1) {
      return List.of();
    }
    List<StoredDeadLetter> out = new ArrayList<>();
    try {
      for (Row row : client.readRows(Query.create(table).filter(FILTERS.limit().cellsPerColumn(1)).limit(limit))) {
        read(row).ifPresent(out::add);
      }
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dead-letter scan failed", e);
    }
    return out;
  }

  @Override
  public Optional<StoredDeadLetter> get(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Row row;
    try {
      row = client.readRow(table, id, FILTERS.limit().cellsPerColumn(1));
    } catch (ApiException e) {
      throw SynclineException.unavailable("Bigtable dead-letter read failed", e);
    }
    return row == null ? Optional.empty() : read(row);
  }

  /** The letter a row holds; empty for a row this sink did not write (no kind, reason or time). */
  private static Optional<StoredDeadLetter> read(Row row) {
    String id = row.getKey().toStringUtf8();
    int hash = id.indexOf('#');
    String reason = cell(row, "reason");
    String at = cell(row, "at");
    if (hash < 0 || reason == null || at == null) {
      return Optional.empty();
    }
    DeadLetter.Kind kind;
    long atMillis;
    try {
      kind = DeadLetter.Kind.valueOf(id.substring(0, hash));
      atMillis = Long.parseLong(at);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    List<RowCell> payload = row.getCells(FAMILY, "payload");
    DeadLetter letter = new DeadLetter(kind, cell(row, "subject"), cell(row, "eventId"), reason,
        payload.isEmpty() ? new byte[0] : payload.get(0).getValue().toByteArray(), cell(row, "peer"));
    return Optional.of(new StoredDeadLetter(id, atMillis, letter));
  }

  private static String cell(Row row, String qualifier) {
    List<RowCell> cells = row.getCells(FAMILY, qualifier);
    return cells.isEmpty() ? null : cells.get(0).getValue().toStringUtf8();
  }

  /** Creates the dead-letter table; for tests and the sandbox (Terraform in Google Cloud). */
  public static void createTable(BigtableTableAdminClient admin, String tableId) {
    admin.createTable(CreateTableRequest.of(tableId).addFamily(FAMILY));
  }
}
