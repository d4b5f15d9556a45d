package dev.syncline.azure.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import java.util.UUID;

/**
 * {@link DeadLetterSink} as a table: one entity per dead letter (partition = its kind) with
 * subject, event id, reason, time and the original bytes for replay.
 */
public final class TableStorageDeadLetterSink implements DeadLetterSink {

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
    Chunks.put(entity, "payload", letter.payload());
    try {
      table.createEntity(entity);
    } catch (TableServiceException e) {
      throw SynclineException.unavailable("Table Storage dead-letter write failed", e);
    }
  }
}
