package dev.syncline.aws.dynamodb;

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
import dev.syncline.core.contract.Samples;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.repair.RecordDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/** The core's record-store contract against DynamoDB as emulated by dynalite. */
class DynamoDbRecordStoreTest extends RecordStoreContract {

  private final Dynalite dynalite = Dynalite.get();

  /** The table of the store {@link #newStore} made last. */
  private String table;

  @Override
  protected RecordStore newStore() {
    table = Dynalite.uniqueTable("records");
    DynamoDbRecordStore.createTable(dynalite.client, table);
    return new DynamoDbRecordStore(dynalite.enhanced, table);
  }

  private Map<String, AttributeValue> item(RecordKey key) {
    return dynalite.client.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(key.subject())))
        .consistentRead(true)).item();
  }

  @Test
  void createTable_makesTheAntiEntropyIndex_onBucketAndKey_projectingOnlyTheDigest() {
    newStore();

    GlobalSecondaryIndexDescription index = dynalite.client.describeTable(b -> b.tableName(table)).table()
        .globalSecondaryIndexes().stream().filter(i -> i.indexName().equals("anti-entropy")).findFirst().orElseThrow();

    assertThat(index.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
        .containsExactly("aeb:HASH", "pk:RANGE");
    assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.INCLUDE);
    assertThat(index.projection().nonKeyAttributes()).containsExactly("h");
  }

  @Test
  void write_storesTheBucketAndTheDigestOfTheState_andLeavesAnEmptyRecordOutOfTheIndex() {
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "digested");
    StoredRecord record = Samples.storedRecord("aws-us-east-1", "a@x", List.of("gcp-us-east4"));
    RecordKey empty = new RecordKey("user", "empty");

    store.write(key, record, 0);
    store.write(empty, StoredRecord.EMPTY, 0);

    Map<String, AttributeValue> item = item(key);
    assertThat(item.get("aeb").n()).isEqualTo(Integer.toString(RecordDigest.bucket(key)));
    assertThat(item.get("h").b().asByteArray()).isEqualTo(RecordDigest.of(key, record.state()).bytes());
    assertThat(item(empty)).containsKey("state").doesNotContainKeys("aeb", "h");
    assertThat(store.scanBucket(RecordDigest.bucket(empty), null, 100).entries())
        .extracting(BucketPage.Entry::key).doesNotContain(empty);
  }

  @Test
  void write_takesARecordOfExactlyTheCoresBudget_withItsDigest() {
    // GIVEN a record that takes exactly what the core promises every store holds
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "budget");
    StoredRecord record = recordOfStoredSize(key, DynamoDbRecordStore.MAX_ITEM_BYTES);

    // WHEN it is written (dynalite refuses an item over 400 KB, names included, as DynamoDB does)
    store.write(key, record, 0);

    // THEN it is kept with its digest, and listed in its bucket
    assertThat(store.load(key)).hasValueSatisfying(v -> assertThat(v.record().state()).isEqualTo(record.state()));
    assertThat(item(key).get("h").b().asByteArray()).isEqualTo(RecordDigest.of(key, record.state()).bytes());
    assertThat(store.scanBucket(RecordDigest.bucket(key), null, 100).entries())
        .contains(new BucketPage.Entry(key, RecordDigest.of(key, record.state())));
  }

  /** A record whose state, outbox, applied intents and key take exactly {@code bytes}. */
  private static StoredRecord recordOfStoredSize(RecordKey key, int bytes) {
    int pad = 0;
    for (int attempt = 0; attempt < 10; attempt++) {
      StoredRecord r = StoredRecord.EMPTY.withState(stateWithPadding(pad));
      int size = StoredRecordCodec.encodeState(r.state()).length
          + StoredRecordCodec.encodeOutbox(r.outbox().values()).length
          + StoredRecordCodec.encodeAppliedIntents(r.appliedIntents()).length + key.subject().length();
      if (size == bytes) {
        return r;
      }
      pad += bytes - size;
    }
    throw new AssertionError("no padding makes a record of " + bytes + " bytes");
  }

  private static RecordState stateWithPadding(int pad) {
    RecordState state = RecordState.EMPTY;
    for (int i = 0; i < 4; i++) {
      int length = i < 3 ? 100_000 : pad;
      state = state.apply("user", List.of(new Op.Set("f" + i, JsonValue.ofString("x".repeat(Math.max(0, length))))),
          "aws-us-east-1", new Hlc(i + 1, 0), Schemas.inferred()).state();
    }
    return state;
  }

  @Test
  void write_refusesARecordOverTheItemLimit_beforeWritingAnything() {
    RecordStore store = newStore();
    RecordKey key = new RecordKey("user", "huge");
    String big = "x".repeat(100_000);
    RecordState state = RecordState.EMPTY;
    for (int i = 0; i < 5; i++) {
      state = state.apply("user", List.of(new Op.Set("f" + i, JsonValue.ofString(big))), "aws-us-east-1",
          new Hlc(i + 1, 0), Schemas.inferred()).state();
    }
    StoredRecord huge = StoredRecord.EMPTY.withState(state);

    assertThatThrownBy(() -> store.write(key, huge, 0))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.TOO_LARGE))
        .hasMessageContaining("400 KB");
    assertThat(store.load(key)).isEmpty();
  }
}
