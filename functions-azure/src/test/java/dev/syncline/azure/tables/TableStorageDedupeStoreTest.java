package dev.syncline.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.contract.DedupeStoreContract;
import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import org.junit.jupiter.api.Test;

/** The core's dedupe-store contract against Azure Table Storage as emulated by Azurite. */
class TableStorageDedupeStoreTest extends DedupeStoreContract {

  @Override
  protected DedupeStore newStore() {
    return new TableStorageDedupeStore(Azurite.get().freshTable("dedupe"));
  }

  @Test
  void deleteExpired_removesOnlyEntriesPastTheirExpiry() {
    TableStorageDedupeStore store = new TableStorageDedupeStore(Azurite.get().freshTable("dedupe"));
    store.claim("old", "t", 1_000, 2_000, 5_000);
    store.complete("old", 5_000);
    store.claim("new", "t", 1_000, 20_000, 50_000);

    int deleted = store.deleteExpired(10_000, 100);

    assertThat(deleted).isEqualTo(1);
    assertThat(store.claim("new", "t2", 10_000, 20_000, 60_000)).isInstanceOf(Claim.InProgress.class);
  }
}
