package dev.syncline.gcp.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.TableId;
import dev.syncline.core.RecordKey;
import dev.syncline.core.contract.RecordStoreContract;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.repair.RecordDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core's record-store contract against the Bigtable emulator, and the row layout it relies on. */
class BigtableRecordStoreTest extends RecordStoreContract {

  private String table;

  @Override
  protected RecordStore newStore() {
    BigtableEmulator emulator = BigtableEmulator.get();
    table = BigtableEmulator.uniqueTable("records");
    BigtableRecordStore.createTable(emulator.admin, table);
    return new BigtableRecordStore(emulator.data, table);
  }

  @Test
  void aRowKeyIsTheBucketInHex_thenTheSubject_andTheRowKeepsTheStateDigestInSH() {
    RecordStore store = newStore();
    RecordKey key = keysInBucket(0x2a, 1, "layout").get(0);
    StoredRecord record = Samples.storedRecord("aws-us-east-1", "a@x", List.of("gcp-us-east4"));

    store.write(key, record, 0);

    assertThat(BigtableRecordStore.rowKey(key)).isEqualTo("02a#" + key.subject());
    Row row = BigtableEmulator.get().data.readRow(TableId.of(table), "02a#" + key.subject());
    assertThat(row).isNotNull();
    assertThat(row.getCells("s", "h")).singleElement()
        .satisfies(c -> assertThat(c.getValue().toByteArray()).isEqualTo(RecordDigest.of(key, record.state()).bytes()));
    assertThat(store.withDueOutbox(Long.MAX_VALUE, 10)).containsExactly(key);
    assertThat(store.load(key)).isPresent();
  }

  @Test
  void scanBucket_refusesACursorOfAnotherBucket_andAnEmptyPage() {
    RecordStore store = newStore();

    assertThatThrownBy(() -> store.scanBucket(1, "002#user/1", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.scanBucket(1, null, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.scanBucket(RecordDigest.BUCKETS, null, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
