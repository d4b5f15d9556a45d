package dev.syncline.core.memory;

import dev.syncline.core.contract.DedupeStoreContract;
import dev.syncline.core.port.DedupeStore;

class InMemoryDedupeStoreTest extends DedupeStoreContract {
  @Override
  protected DedupeStore newStore() {
    return new InMemoryDedupeStore();
  }
}
