package dev.syncline.core.memory;

import dev.syncline.core.contract.RecordStoreContract;
import dev.syncline.core.port.RecordStore;

class InMemoryRecordStoreTest extends RecordStoreContract {
  @Override
  protected RecordStore newStore() {
    return new InMemoryRecordStore();
  }
}
