package dev.syncline.aws.dynamodb;

import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.Page;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@link RecordStore} on DynamoDB: one item per record holding state, outbox and applied intents,
 * every write a {@code PutItem} conditional on the {@code version} attribute (no transactions).
 * Records due for the drain are found through the sparse {@code outbox-due} index.
 */
public final class DynamoDbRecordStore implements RecordStore {

  /** DynamoDB's item limit, 400 KB, less room for attribute names and numbers: the core's budget. */
  static final int MAX_ITEM_BYTES = Limits.MAX_STORED_BYTES;

  private final DynamoDbTable<RecordItem> table;

  public DynamoDbRecordStore(DynamoDbEnhancedClient client, String tableName) {
    this.table = client.table(tableName, RecordItem.SCHEMA);
  }

  @Override
  public Optional<Versioned> load(RecordKey key) {
    RecordItem item;
    try {
      item = table.getItem(GetItemEnhancedRequest.builder().key(key(key)).consistentRead(true).build());
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB read failed", e);
    }
    if (item == null) {
      return Optional.empty();
    }
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    for (OutboxEntry entry : StoredRecordCodec.decodeOutbox(item.outbox().asByteArray())) {
      outbox.put(entry.peer(), entry);
    }
    StoredRecord record =
        new StoredRecord(
            StoredRecordCodec.decodeState(item.state().asByteArray()),
            outbox,
            StoredRecordCodec.decodeAppliedIntents(item.applied().asByteArray()));
    return Optional.of(new Versioned(record, item.version()));
  }

  @Override
  public long write(RecordKey key, StoredRecord record, long expectedVersion) {
    RecordItem item = new RecordItem();
    item.pk(key.subject());
    item.version(expectedVersion + 1);
    item.state(SdkBytes.fromByteArrayUnsafe(StoredRecordCodec.encodeState(record.state())));
    item.outbox(SdkBytes.fromByteArrayUnsafe(StoredRecordCodec.encodeOutbox(record.outbox().values())));
    item.applied(SdkBytes.fromByteArrayUnsafe(StoredRecordCodec.encodeAppliedIntents(record.appliedIntents())));
    if (!record.outbox().isEmpty()) {
      item.owing(RecordItem.OWING);
      item.due(record.nextDueMillis());
    }
    long size = (long) item.state().asByteArrayUnsafe().length + item.outbox().asByteArrayUnsafe().length
        + item.applied().asByteArrayUnsafe().length + key.subject().length();
    if (size > MAX_ITEM_BYTES) {
      throw SynclineException.tooLarge(
          "record " + key + " would take " + size + " bytes; a DynamoDB item holds at most 400 KB");
    }
    Expression condition =
        expectedVersion == 0
            ? Expression.builder().expression("attribute_not_exists(pk)").build()
            : Expression.builder()
                .expression("version = :expected")
                .expressionValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion))))
                .build();
    try {
      table.putItem(PutItemEnhancedRequest.builder(RecordItem.class).item(item).conditionExpression(condition).build());
    } catch (ConditionalCheckFailedException e) {
      throw SynclineException.concurrentModification("record " + key + " changed since it was read");
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB write failed", e);
    }
    return expectedVersion + 1;
  }

  @Override
  public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
    QueryEnhancedRequest query =
        QueryEnhancedRequest.builder()
            .queryConditional(QueryConditional.sortLessThanOrEqualTo(
                Key.builder().partitionValue(RecordItem.OWING).sortValue(nowMillis).build()))
            .limit(Math.min(limit, 1_000))
            .build();
    List<RecordKey> out = new ArrayList<>();
    try {
      for (Page<RecordItem> page : table.index(RecordItem.DUE_INDEX).query(query)) {
        for (RecordItem item : page.items()) {
          if (out.size() >= limit) {
            return out;
          }
          out.add(RecordKey.fromSubject(item.pk()));
        }
      }
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB query failed", e);
    }
    return out;
  }

  private static Key key(RecordKey key) {
    return Key.builder().partitionValue(key.subject()).build();
  }

  /**
   * Creates the table with its {@code outbox-due} index, on demand, as Terraform does in AWS; for
   * tests and the local sandbox.
   */
  public static void createTable(DynamoDbClient client, String tableName) {
    client.createTable(b -> b
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("owing").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("due").attributeType(ScalarAttributeType.N).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
            .indexName(RecordItem.DUE_INDEX)
            .keySchema(
                KeySchemaElement.builder().attributeName("owing").keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName("due").keyType(KeyType.RANGE).build())
            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
            .build()));
    Tables.awaitActive(client, tableName);
  }
}
