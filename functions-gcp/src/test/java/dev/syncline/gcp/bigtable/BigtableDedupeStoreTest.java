package dev.syncline.gcp.bigtable;

import dev.syncline.core.contract.DedupeStoreContract;
import dev.syncline.core.port.DedupeStore;
import java.time.Duration;

/** The core's dedupe-store contract against the Bigtable emulator. */
class BigtableDedupeStoreTest extends DedupeStoreContract {

  @Override
  protected DedupeStore newStore() {
    BigtableEmulator emulator = BigtableEmulator.get();
    String table = BigtableEmulator.uniqueTable("dedupe");
    BigtableDedupeStore.createTable(emulator.admin, table, Duration.ofDays(8));
    return new BigtableDedupeStore(emulator.data, table);
  }

  /** The family's max-age GC rule deletes old rows; the store sweeps nothing. */
  @Override
  protected boolean sweeps() {
    return false;
  }
}
