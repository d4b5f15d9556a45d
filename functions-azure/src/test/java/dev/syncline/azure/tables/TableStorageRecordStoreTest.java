package dev.syncline.azure.tables;

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

/** The core's record-store contract against Azure Table Storage as emulated by Azurite. */
class TableStorageRecordStoreTest extends RecordStoreContract {

  @Override
  protected RecordStore newStore() {
    return new TableStorageRecordStore(Azurite.get().freshTable("records"));
  }

  private static StoredRecord withValues(int count, int chars) {
    RecordState state = RecordState.EMPTY;
    for (int i = 0; i < count; i++) {
      state = state.apply("user", List.of(new Op.Set("f" + i, JsonValue.ofString("x".repeat(chars)))), "azure-eastus",
          new Hlc(i + 1, 0), Schemas.inferred()).state();
    }
    return StoredRecord.EMPTY.withState(state);
  }

  @Test
  void write_splitsAStateOver64KiB_acrossPropertiesAndReadsItBack() {
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "wide");
    StoredRecord wide = withValues(3, 60_000);

    store.write(key, wide, 0);

    assertThat(store.load(key).orElseThrow().record()).isEqualTo(wide);
  }

  @Test
  void write_refusesARecordOverTheEntityLimit_beforeWritingAnything() {
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "huge");

    assertThatThrownBy(() -> store.write(key, withValues(12, 100_000), 0))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.TOO_LARGE))
        .hasMessageContaining("1 MiB");
    assertThat(store.load(key)).isEmpty();
  }
}
