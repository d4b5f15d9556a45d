package dev.syncline.aws.dynamodb;

import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link DeadLetterSink} as a DynamoDB table: one item per dead letter with its kind, subject,
 * event id, reason, time and the original bytes for replay. A table rather than SQS keeps the
 * function on one SDK service and lets the local sandbox run it on dynalite; an alarm watches the
 * {@code deadLettered} metric.
 */
public final class DynamoDbDeadLetterSink implements DeadLetterSink {

  private final DynamoDbClient client;
  private final String tableName;
  private final Clock clock;

  public DynamoDbDeadLetterSink(DynamoDbClient client, String tableName, Clock clock) {
    this.client = client;
    this.tableName = tableName;
    this.clock = clock;
  }

  @Override
  public void accept(DeadLetter letter) {
    Map<String, AttributeValue> item = new java.util.HashMap<>();
    item.put("pk", AttributeValue.fromS(UUID.randomUUID().toString()));
    item.put("kind", AttributeValue.fromS(letter.kind().name()));
    item.put("reason", AttributeValue.fromS(letter.reason()));
    item.put("at", AttributeValue.fromN(Long.toString(clock.millis())));
    item.put("payload", AttributeValue.fromB(SdkBytes.fromByteArray(letter.payload())));
    if (letter.subject() != null) {
      item.put("subject", AttributeValue.fromS(letter.subject()));
    }
    if (letter.eventId() != null) {
      item.put("eventId", AttributeValue.fromS(letter.eventId()));
    }
    try {
      client.putItem(b -> b.tableName(tableName).item(item));
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dead-letter write failed", e);
    }
  }

  /** Creates the dead-letter table, on demand; for tests and the local sandbox (Terraform in AWS). */
  public static void createTable(DynamoDbClient client, String tableName) {
    Tables.createKeyedOnPk(client, tableName);
  }
}
