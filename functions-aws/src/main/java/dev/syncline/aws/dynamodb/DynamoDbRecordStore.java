package dev.syncline.aws.dynamodb;

import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import dev.syncline.core.repair.Digest;
import dev.syncline.core.repair.RecordDigest;
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
 * Records due for the drain are found through the sparse {@code outbox-due} index, and a bucket's
 * (key, digest) pairs for anti-entropy through the sparse {@code anti-entropy} index, which holds
 * every record whose state is not empty and projects only its digest {@code h}.
 */
public final class DynamoDbRecordStore implements RecordStore {

  /** DynamoDB's item limit, 400 KB, less room for attribute names and numbers: the core's budget. */
  static final int MAX_ITEM_BYTES = Limits.MAX_STORED_BYTES;

  /** DynamoDB's item limit, 400 KB, counting every attribute's name and value. */
  static final int DYNAMODB_ITEM_BYTES = 400 * 1024;

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
    // The digest of the very bytes stored as the state; an empty state (zero digest) stays out of
    // the sparse anti-entropy index, which the contract allows.
    Digest digest = RecordDigest.of(key, item.state().asByteArrayUnsafe());
    if (!digest.isZero()) {
      item.aeb(RecordDigest.bucket(key));
      item.h(SdkBytes.fromByteArrayUnsafe(digest.bytes()));
    }
    long size = (long) item.state().asByteArrayUnsafe().length + item.outbox().asByteArrayUnsafe().length
        + item.applied().asByteArrayUnsafe().length + key.subject().length();
    if (size > MAX_ITEM_BYTES) {
      throw SynclineException.tooLarge(
          "record " + key + " would take " + size + " bytes; a DynamoDB item holds at most 400 KB");
    }
    // The core's budget leaves 1 KiB for what this item adds (names, numbers, the digest: about
    // 100 bytes), so this holds for every record within it; it guards that margin.
    long itemSize = itemBytes(item);
    if (itemSize > DYNAMODB_ITEM_BYTES) {
      throw SynclineException.tooLarge("record " + key + " would make a DynamoDB item of " + itemSize
          + " bytes with its attribute names, version, outbox index keys and anti-entropy digest; the limit is 400 KB");
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

  /**
   * One {@code Query} of the {@code anti-entropy} index ({@code aeb = bucket}), at most {@code
   * limit} items, each the record's key and its digest {@code h} (the only attribute the index
   * projects, so a page reads about 100 bytes per record and no state). The cursor is the last
   * {@code pk} of the page, from DynamoDB's {@code LastEvaluatedKey}; the next page starts after it
   * ({@code ExclusiveStartKey}). The index is eventually consistent: a record written a moment ago
   * may show its previous digest, or be missing, until the index catches up.
   */
  @Override
  public BucketPage scanBucket(int bucket, String cursor, int limit) {
    if (bucket < 0 || bucket >= RecordDigest.BUCKETS) {
      throw new IllegalArgumentException("a bucket is 0 to " + (RecordDigest.BUCKETS - 1) + ", got " + bucket);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    QueryEnhancedRequest.Builder query =
        QueryEnhancedRequest.builder()
            .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(bucket).build()))
            .limit(limit);
    if (cursor != null) {
      query.exclusiveStartKey(Map.of(
          "aeb", AttributeValue.fromN(Integer.toString(bucket)),
          "pk", AttributeValue.fromS(cursor)));
    }
    Page<RecordItem> page;
    try {
      page = table.index(RecordItem.ANTI_ENTROPY_INDEX).query(query.build()).iterator().next();
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB query failed", e);
    }
    List<BucketPage.Entry> entries = new ArrayList<>(page.items().size());
    for (RecordItem item : page.items()) {
      Digest digest = item.h() == null ? Digest.ZERO : Digest.ofBytes(item.h().asByteArrayUnsafe());
      entries.add(new BucketPage.Entry(RecordKey.fromSubject(item.pk()), digest));
    }
    Map<String, AttributeValue> last = page.lastEvaluatedKey();
    String next = last == null || last.isEmpty() || last.get("pk") == null ? null : last.get("pk").s();
    return new BucketPage(entries, next);
  }

  /**
   * The item's size as DynamoDB counts it, rounded up: every attribute's name and value, a number
   * taken as its decimal digits (DynamoDB stores about half as many bytes).
   */
  static long itemBytes(RecordItem item) {
    long size = 2 + utf8(item.pk())
        + 7 + Long.toString(item.version()).length()
        + 5 + item.state().asByteArrayUnsafe().length
        + 6 + item.outbox().asByteArrayUnsafe().length
        + 7 + item.applied().asByteArrayUnsafe().length;
    if (item.owing() != null) {
      size += 5 + utf8(item.owing()) + 3 + Long.toString(item.due()).length();
    }
    if (item.h() != null) {
      size += 3 + Integer.toString(item.aeb()).length() + 1 + item.h().asByteArrayUnsafe().length;
    }
    return size;
  }

  private static int utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static Key key(RecordKey key) {
    return Key.builder().partitionValue(key.subject()).build();
  }

  /**
   * Creates the table with its {@code outbox-due} and {@code anti-entropy} indexes, on demand, as
   * Terraform does in AWS; for tests and the local sandbox. Both indexes are given here because
   * dynalite builds a global secondary index only in {@code CreateTable}.
   */
  public static void createTable(DynamoDbClient client, String tableName) {
    client.createTable(b -> b
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("owing").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("due").attributeType(ScalarAttributeType.N).build(),
            AttributeDefinition.builder().attributeName("aeb").attributeType(ScalarAttributeType.N).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(
            GlobalSecondaryIndex.builder()
                .indexName(RecordItem.DUE_INDEX)
                .keySchema(
                    KeySchemaElement.builder().attributeName("owing").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("due").keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                .build(),
            GlobalSecondaryIndex.builder()
                .indexName(RecordItem.ANTI_ENTROPY_INDEX)
                .keySchema(
                    KeySchemaElement.builder().attributeName("aeb").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("pk").keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes("h").build())
                .build()));
    Tables.awaitActive(client, tableName);
  }
}
