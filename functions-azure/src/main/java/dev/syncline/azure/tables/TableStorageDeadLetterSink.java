package dev.syncline.azure.tables;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.StoredDeadLetter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@link DeadLetterSink} as a table: one entity per dead letter (partition = its kind, row = a
 * random UUID) with subject, event id, reason, the peer a change was meant for, time and the
 * original bytes for replay. A letter's id is {@code <kind>:<row key>}, so that {@link #get} is a
 * point read.
 */
public final class TableStorageDeadLetterSink implements DeadLetterSink {

  private static final Pattern ROW = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final TableClient table;
  private final Clock clock;

  public TableStorageDeadLetterSink(TableClient table, Clock clock) {
    this.table = table;
    this.clock = clock;
  }

  @Override
  public void accept(DeadLetter letter) {
    TableEntity entity = new TableEntity(letter.kind().name(), UUID.randomUUID().toString())
        .addProperty("reason", letter.reason())
        .addProperty("at", clock.millis());
    if (letter.subject() != null) {
      entity.addProperty("subject", letter.subject());
    }
    if (letter.eventId() != null) {
      entity.addProperty("eventId", letter.eventId());
    }
    if (letter.peer() != null) {
      entity.addProperty("peer", letter.peer());
    }
    Chunks.put(entity, "payload", letter.payload());
    try {
      table.createEntity(entity);
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage dead-letter write failed", e);
    }
  }

  /** The table's first {@code limit} letters, in the table's order (by kind, then row key). */
  @Override
  public List<StoredDeadLetter> list(int limit) {
    List<StoredDeadLetter> out = new ArrayList<>();
    if (limit < 1) {
      return out;
    }
    ListEntitiesOptions options = new ListEntitiesOptions().setTop(Math.min(limit, 1000));
    try {
      for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
        if (out.size() >= limit) {
          break;
        }
        read(e).ifPresent(out::add);
      }
    } catch (HttpResponseException | UncheckedIOException e) {
      throw SynclineException.unavailable("Table Storage dead-letter query failed", e);
    }
    return out;
  }

  /** A point read; empty for an id this sink never gave out. */
  @Override
  public Optional<StoredDeadLetter> get(String id) {
    int colon = id == null ? -1 : id.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String kind = id.substring(0, colon);
    String row = id.substring(colon + 1);
    if (!ROW.matcher(row).matches() || !isKind(kind)) {
      return Optional.empty(); // not a key of ours; also keeps characters Table keys refuse out of the request
    }
    try {
      return read(table.getEntityWithResponse(kind, row, null, null, Context.NONE).getValue());
    } catch (TableServiceException e) {
      if (e.getValue() != null && TableErrorCode.TABLE_NOT_FOUND.equals(e.getValue().getErrorCode())) {
        throw SynclineException.configuration("the dead-letters table does not exist; create it (Terraform does) before use");
      }
      if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
        return Optional.empty();
      }
      throw SynclineException.unavailable("Table Storage dead-letter read failed", e);
    } catch (HttpResponseException | UncheckedIOException e) {
      throw SynclineException.unavailable("Table Storage dead-letter read failed", e);
    }
  }

  private static boolean isKind(String name) {
    for (DeadLetter.Kind k : DeadLetter.Kind.values()) {
      if (k.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The entity as a letter; empty for a row that is not one (an unknown kind). */
  private static Optional<StoredDeadLetter> read(TableEntity e) {
    if (!isKind(e.getPartitionKey())) {
      return Optional.empty();
    }
    DeadLetter letter = new DeadLetter(
        DeadLetter.Kind.valueOf(e.getPartitionKey()),
        (String) e.getProperty("subject"),
        (String) e.getProperty("eventId"),
        (String) e.getProperty("reason"),
        Chunks.get(e, "payload"),
        (String) e.getProperty("peer"));
    Object at = e.getProperty("at");
    return Optional.of(new StoredDeadLetter(
        e.getPartitionKey() + ":" + e.getRowKey(), at instanceof Number n ? n.longValue() : 0L, letter));
  }
}
