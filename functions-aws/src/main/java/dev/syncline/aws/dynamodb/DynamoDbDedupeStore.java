package dev.syncline.aws.dynamodb;

import dev.syncline.core.SynclineException;
import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.util.Map;
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
 * {@link DedupeStore} on DynamoDB: a claim is one conditional {@code PutItem} that succeeds when
 * the key is new, expired, or held by a lapsed lease (the AWS Powertools idempotency pattern).
 * Expiry is checked on read; DynamoDB TTL on {@code ttl} deletes old items in AWS.
 */
public final class DynamoDbDedupeStore implements DedupeStore {

  private static final String CLAIMABLE =
      "attribute_not_exists(pk) OR expiresAt <= :now OR (#status = :inProgress AND leaseUntil <= :now)";

  private final DynamoDbTable<DedupeItem> table;

  public DynamoDbDedupeStore(DynamoDbEnhancedClient client, String tableName) {
    this.table = client.table(tableName, DedupeItem.SCHEMA);
  }

  @Override
  public Claim claim(String key, String token, long now, long leaseUntil, long expiresAt) {
    // A lost race is answered from what is stored; if that has lapsed in the meantime, try again.
    for (int attempt = 0; attempt < 3; attempt++) {
      Expression condition =
          Expression.builder()
              .expression(CLAIMABLE)
              .expressionNames(Map.of("#status", "status"))
              .expressionValues(Map.of(
                  ":now", AttributeValue.fromN(Long.toString(now)),
                  ":inProgress", AttributeValue.fromS(DedupeItem.IN_PROGRESS)))
              .build();
      try {
        table.putItem(PutItemEnhancedRequest.builder(DedupeItem.class)
            .item(DedupeItem.of(key, DedupeItem.IN_PROGRESS, token, leaseUntil, expiresAt))
            .conditionExpression(condition)
            .build());
        return new Claim.Acquired();
      } catch (ConditionalCheckFailedException e) {
        DedupeItem found = read(key);
        if (found != null && found.expiresAt() > now) {
          if (DedupeItem.COMPLETED.equals(found.status())) {
            return new Claim.AlreadyCompleted();
          }
          if (found.leaseUntil() > now) {
            return new Claim.InProgress(found.leaseUntil());
          }
        }
      } catch (SdkException e) {
        throw SynclineException.unavailable("DynamoDB dedupe claim failed", e);
      }
    }
    throw SynclineException.concurrentModification("dedupe entry kept changing during the claim");
  }

  @Override
  public void complete(String key, long expiresAt) {
    try {
      table.putItem(DedupeItem.of(key, DedupeItem.COMPLETED, null, 0, expiresAt));
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe completion failed", e);
    }
  }

  @Override
  public void release(String key, String token) {
    Expression mine =
        Expression.builder()
            .expression("#status = :inProgress AND #token = :token")
            .expressionNames(Map.of("#status", "status", "#token", "token"))
            .expressionValues(Map.of(
                ":inProgress", AttributeValue.fromS(DedupeItem.IN_PROGRESS),
                ":token", AttributeValue.fromS(token)))
            .build();
    try {
      table.deleteItem(DeleteItemEnhancedRequest.builder().key(key(key)).conditionExpression(mine).build());
    } catch (ConditionalCheckFailedException e) {
      // Not ours (any more): nothing to release.
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe release failed", e);
    }
  }

  @Override
  public boolean isCompleted(String key, long nowMillis) {
    DedupeItem found = read(key);
    return found != null && DedupeItem.COMPLETED.equals(found.status()) && found.expiresAt() > nowMillis;
  }

  private DedupeItem read(String key) {
    try {
      return table.getItem(GetItemEnhancedRequest.builder().key(key(key)).consistentRead(true).build());
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dedupe read failed", e);
    }
  }

  private static Key key(String key) {
    return Key.builder().partitionValue(key).build();
  }

  /** Creates the dedupe table, on demand; for tests and the local sandbox (Terraform in AWS). */
  public static void createTable(DynamoDbClient client, String tableName) {
    Tables.createKeyedOnPk(client, tableName);
  }
}
