package dev.syncline.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.contract.RecordStoreContract;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core's record-store contract against DynamoDB as emulated by dynalite. */
class DynamoDbRecordStoreTest extends RecordStoreContract {

  @Override
  protected RecordStore newStore() {
    Dynalite dynalite = Dynalite.get();
    String table = Dynalite.uniqueTable("records");
    DynamoDbRecordStore.createTable(dynalite.client, table);
    return new DynamoDbRecordStore(dynalite.enhanced, table);
  }

  @Test
  void write_refusesARecordOverTheItemLimit_beforeWritingAnything() {
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "huge");
    String big = "x".repeat(100_000);
    RecordState state = RecordState.EMPTY;
    for (int i = 0; i < 5; i++) {
      state = state.apply("user", List.of(new Op.Set("f" + i, JsonValue.ofString(big))), "aws-us-east-1",
          new Hlc(i + 1, 0), Schemas.inferred()).state();
    }
    StoredRecord huge = StoredRecord.EMPTY.withState(state);

    assertThatThrownBy(() -> store.write(key, huge, 0))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.TOO_LARGE))
        .hasMessageContaining("400 KB");
    assertThat(store.load(key)).isEmpty();
  }
}
