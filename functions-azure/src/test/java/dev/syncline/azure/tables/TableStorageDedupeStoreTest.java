package dev.syncline.azure.tables;

import dev.syncline.core.contract.DedupeStoreContract;
import dev.syncline.core.port.DedupeStore;

/**
 * The core's dedupe-store contract against Azure Table Storage as emulated by Azurite, sweep
 * included: Table Storage has no TTL.
 */
class TableStorageDedupeStoreTest extends DedupeStoreContract {

  @Override
  protected DedupeStore newStore() {
    return new TableStorageDedupeStore(Azurite.get().freshTable("dedupe"));
  }
}
