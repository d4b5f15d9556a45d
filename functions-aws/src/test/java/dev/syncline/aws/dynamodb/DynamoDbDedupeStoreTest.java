package dev.syncline.aws.dynamodb;

import dev.syncline.core.contract.DedupeStoreContract;
import dev.syncline.core.port.DedupeStore;

/** The core's dedupe-store contract against DynamoDB as emulated by dynalite. */
class DynamoDbDedupeStoreTest extends DedupeStoreContract {

  @Override
  protected DedupeStore newStore() {
    Dynalite dynalite = Dynalite.get();
    String table = Dynalite.uniqueTable("dedupe");
    DynamoDbDedupeStore.createTable(dynalite.client, table);
    return new DynamoDbDedupeStore(dynalite.enhanced, table);
  }

  /** DynamoDB TTL deletes expired items; the store sweeps nothing. */
  @Override
  protected boolean sweeps() {
    return false;
  }
}
