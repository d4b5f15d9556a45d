package dev.syncline.aws.dynamodb;

import dev.syncline.core.SynclineException;
import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.DeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link DedupeStore} on DynamoDB: one item per intent ({@link DedupeItem}), each write one
 * conditional {@code PutItem} or {@code DeleteItem}. The item keeps no version: "unchanged" is a
 * condition on every field the core wrote (a completed entry has no token). DynamoDB TTL on
 * {@code ttl} deletes old items in AWS, so there is nothing to sweep.
 */
public final class DynamoDbDedupeStore implements DedupeStore {

  private static final Expression ABSENT = Expression.builder().expression("attribute_not_exists(pk)").build();

  private final DynamoDbTable<DedupeItem> table;

  public DynamoDbDedupeStore(DynamoDbEnhancedClient client, String tableName) {
    this.table = client.table(tableName, DedupeItem.SCHEMA);
  }

  @Override
  public Optional<DedupeEntry> read(String key) {
    try {
      return Optional.ofNullable(table.getItem(GetItemEnhancedRequest.builder().key(key(key)).consistentRead(true).build()))
          .map(DedupeItem::entry);
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe read failed", e);
    }
  }

  @Override
  public boolean insertIfAbsent(DedupeEntry entry) {
    return put(entry, ABSENT);
  }

  @Override
  public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
    return put(next, unchanged(expected));
  }

  @Override
  public boolean deleteIfUnchanged(DedupeEntry expected) {
    try {
      table.deleteItem(DeleteItemEnhancedRequest.builder().key(key(expected.key())).conditionExpression(unchanged(expected)).build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe delete failed", e);
    }
  }

  private boolean put(DedupeEntry entry, Expression condition) {
    try {
      table.putItem(PutItemEnhancedRequest.builder(DedupeItem.class).item(DedupeItem.of(entry)).conditionExpression(condition).build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe write failed", e);
    }
  }

  /** The item still holds exactly what {@code expected} read. */
  private static Expression unchanged(DedupeEntry expected) {
    Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(
        ":status", AttributeValue.fromS(expected.status().name()),
        ":leaseUntil", AttributeValue.fromN(Long.toString(expected.leaseUntilMillis())),
        ":expiresAt", AttributeValue.fromN(Long.toString(expected.expiresAtMillis()))));
    String condition = "#status = :status AND leaseUntil = :leaseUntil AND expiresAt = :expiresAt";
    if (expected.token() != null) {
      names.put("#token", "token");
      values.put(":token", AttributeValue.fromS(expected.token()));
      condition += " AND #token = :token";
    }
    return Expression.builder().expression(condition).expressionNames(names).expressionValues(values).build();
  }

  private static Key key(String key) {
    return Key.builder().partitionValue(key).build();
  }

  /** Creates the dedupe table, on demand; for tests and the local sandbox (Terraform in AWS). */
  public static void createTable(DynamoDbClient client, String tableName) {
    Tables.createKeyedOnPk(client, tableName);
  }
}
