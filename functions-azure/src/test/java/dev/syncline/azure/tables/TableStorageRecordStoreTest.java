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
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableErrorCode;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.repair.RecordDigest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  @Test
  void write_refusesATransactionOverItsLimit_beforeWritingAnything() {
    // GIVEN a store whose transaction limit (4 MiB in Azure, base64 included) is lowered to 200 KB
    RecordStore store = new TableStorageRecordStore(Azurite.get().freshTable("records"), 200_000);
    RecordKey key = new RecordKey("user", "batch");
    // WHEN a record of 3 x 60,000 characters (240 KB in base64) is written
    assertThatThrownBy(() -> store.write(key, withValues(3, 60_000), 0))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.TOO_LARGE))
        .hasMessageContaining("4 MiB");
    // THEN nothing was written
    assertThat(store.load(key)).isEmpty();
  }

  @Test
  void write_toAMissingTable_isAConfigurationError_notALostRace() {
    RecordStore store = new TableStorageRecordStore(Azurite.get().service.getTableClient("nosuchtable" + System.nanoTime()));

    assertThatThrownBy(() -> store.write(new RecordKey("user", "1"), withValues(1, 10), 0))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONFIGURATION));
  }

  @Test
  void translate_tellsLostRacesFromTooLargeAndFromOtherConflicts() {
    RecordKey key = new RecordKey("user", "1");
    assertThat(TableStorageRecordStore.translate(key, 413, null, null).kind()).isEqualTo(SynclineException.Kind.TOO_LARGE);
    assertThat(TableStorageRecordStore.translate(key, 400, TableErrorCode.ENTITY_TOO_LARGE, null).kind())
        .isEqualTo(SynclineException.Kind.TOO_LARGE);
    assertThat(TableStorageRecordStore.translate(key, 404, TableErrorCode.TABLE_NOT_FOUND, null).kind())
        .isEqualTo(SynclineException.Kind.CONFIGURATION);
    assertThat(TableStorageRecordStore.translate(key, 409, TableErrorCode.TABLE_BEING_DELETED, null).kind())
        .isEqualTo(SynclineException.Kind.UNAVAILABLE);
    assertThat(TableStorageRecordStore.translate(key, 409, null, null).kind()).isEqualTo(SynclineException.Kind.UNAVAILABLE);
    assertThat(TableStorageRecordStore.translate(key, 409, TableErrorCode.ENTITY_ALREADY_EXISTS, null).kind())
        .isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION);
    assertThat(TableStorageRecordStore.translate(key, 412, TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED, null).kind())
        .isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION);
    assertThat(TableStorageRecordStore.translate(key, 404, TableErrorCode.RESOURCE_NOT_FOUND, null).kind())
        .isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION);
  }

  @Test
  void write_putsEveryRowOfARecordInAPartitionThatStartsWithItsBucket_andTheDigestOnTheRecordRow() {
    TableClient table = Azurite.get().freshTable("records");
    RecordStore store = new TableStorageRecordStore(table);
    RecordKey key = new RecordKey("user", "42");
    StoredRecord record = Samples.storedRecord("azure-eastus", "a@x", List.of("aws-us-east-1", "gcp-us-east4"));

    store.write(key, record, 0);

    String pk = String.format("%03x.", RecordDigest.bucket(key)) + "dXNlci80Mg"; // "user/42" in URL-safe base64
    List<TableEntity> rows = new ArrayList<>();
    table.listEntities().forEach(rows::add);
    assertThat(rows).extracting(TableEntity::getPartitionKey).containsOnly(pk);
    assertThat(rows).extracting(TableEntity::getRowKey)
        .containsExactlyInAnyOrder("record", "outbox-aws-us-east-1", "outbox-gcp-us-east4");
    TableEntity row = table.getEntity(pk, "record");
    assertThat((byte[]) row.getProperty("h")).isEqualTo(RecordDigest.of(key, record.state()).bytes());
    assertThat(store.withDueOutbox(Long.MAX_VALUE, 10)).containsExactly(key);
  }

  @Test
  void scanBucket_isOnePartitionRangeQuery_ofTheRecordRows_selectingSubjectAndDigest() {
    // GIVEN a record in bucket 0x2a0 with an outbox row, and records in the buckets on either side
    String name = Azurite.get().freshTable("records").getTableName();
    List<String> queries = new CopyOnWriteArrayList<>();
    TableClient observed = new TableClientBuilder().connectionString(Azurite.get().connectionString).tableName(name)
        .addPolicy(new HttpPipelineSyncPolicy() {
          @Override
          protected void beforeSendingRequest(HttpPipelineCallContext context) {
            if (context.getHttpRequest().getHttpMethod() == HttpMethod.GET) {
              queries.add(URLDecoder.decode(context.getHttpRequest().getUrl().getQuery(), StandardCharsets.UTF_8));
            }
          }
        })
        .buildClient();
    RecordStore store = new TableStorageRecordStore(observed);
    RecordKey key = keysInBucket(0x2a0, 1, "range").get(0);
    store.write(key, Samples.storedRecord("azure-eastus", "a@x", List.of("aws-us-east-1")), 0);
    for (RecordKey k : List.of(keysInBucket(0x29f, 1, "range").get(0), keysInBucket(0x2a1, 1, "range").get(0))) {
      store.write(k, Samples.storedRecord("azure-eastus", "b@x", List.of()), 0);
    }
    queries.clear();

    BucketPage page = store.scanBucket(0x2a0, null, 1000);

    // THEN one request: the bucket's partition range, the record rows, the subject and digest alone
    assertThat(page.entries()).containsExactly(new BucketPage.Entry(key, RecordDigest.of(key,
        Samples.storedRecord("azure-eastus", "a@x", List.of()).state())));
    assertThat(page.isLast()).isTrue();
    assertThat(queries).singleElement().satisfies(q -> assertThat(q)
        .contains("$filter=PartitionKey ge '2a0.' and PartitionKey lt '2a0/' and RowKey eq 'record'")
        .contains("$select=subject,h")
        .contains("$top=1000"));
  }

  @Test
  void scanBucket_asksForAtMost1000_whateverTheLimit() {
    List<String> queries = new CopyOnWriteArrayList<>();
    TableClient observed = new TableClientBuilder().connectionString(Azurite.get().connectionString)
        .tableName(Azurite.get().freshTable("records").getTableName())
        .addPolicy(new HttpPipelineSyncPolicy() {
          @Override
          protected void beforeSendingRequest(HttpPipelineCallContext context) {
            queries.add(URLDecoder.decode(context.getHttpRequest().getUrl().getQuery(), StandardCharsets.UTF_8));
          }
        })
        .buildClient();

    new TableStorageRecordStore(observed).scanBucket(5, null, 5_000);

    assertThat(queries).singleElement().satisfies(q -> assertThat(q).contains("$top=1000"));
  }

  @Test
  void scanBucket_ofAnEmptyBucket_isOneEmptyLastPage() {
    BucketPage page = newStore().scanBucket(1023, null, 5);

    assertThat(page.entries()).isEmpty();
    assertThat(page.isLast()).isTrue();
  }
}
