package dev.syncline.gcp.bigtable;

import dev.syncline.core.contract.RecordStoreContract;
import dev.syncline.core.port.RecordStore;

/** The core's record-store contract against the Bigtable emulator. */
class BigtableRecordStoreTest extends RecordStoreContract {

  @Override
  protected RecordStore newStore() {
    BigtableEmulator emulator = BigtableEmulator.get();
    String table = BigtableEmulator.uniqueTable("records");
    BigtableRecordStore.createTable(emulator.admin, table);
    return new BigtableRecordStore(emulator.data, table);
  }
}
