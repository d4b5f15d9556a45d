package dev.syncline.aws.dynamodb;

import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.StoredDeadLetter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * {@link DeadLetterSink} as a DynamoDB table: one item per dead letter, keyed by a random id
 * ({@code pk}), with its kind, subject, event id, reason, time ({@code at}, epoch millis), the
 * peer a change was meant for ({@code peer}) and the original bytes for replay ({@code payload}).
 * A table rather than SQS keeps the function on one SDK service and lets the local sandbox run it
 * on dynalite; an alarm watches the {@code DeadLetters} metric. Listing is a {@code Scan} (the
 * table holds what operators have not yet removed, so it stays small); a letter is read back by
 * its id with {@code GetItem}.
 */
public final class DynamoDbDeadLetterSink implements DeadLetterSink {

  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

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
    Map<String, AttributeValue> item = new HashMap<>();
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
    if (letter.peer() != null) {
      item.put("peer", AttributeValue.fromS(letter.peer()));
    }
    try {
      client.putItem(b -> b.tableName(tableName).item(item));
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dead-letter write failed", e);
    }
  }

  /** A {@code Scan}, page after page, until {@code limit} letters or the end of the table. */
  @Override
  public List<StoredDeadLetter> list(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    List<StoredDeadLetter> out = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    try {
      do {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(tableName).limit(limit - out.size());
        if (start != null) {
          scan.exclusiveStartKey(start);
        }
        ScanResponse page = client.scan(scan.build());
        for (Map<String, AttributeValue> item : page.items()) {
          if (out.size() < limit) {
            out.add(letter(item));
          }
        }
        start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (start != null && out.size() < limit);
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dead-letter scan failed", e);
    }
    return out;
  }

  /** A {@code GetItem} by {@code pk}, strongly consistent, so a letter just listed is found. */
  @Override
  public Optional<StoredDeadLetter> get(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      // Every id this sink gives out is a UUID; anything else names no letter (and an empty key
      // would make DynamoDB refuse the request).
      return Optional.empty();
    }
    GetItemResponse response;
    try {
      response = client.getItem(b -> b.tableName(tableName).key(Map.of("pk", AttributeValue.fromS(id))).consistentRead(true));
    } catch (SdkException e) {
      throw SynclineException.unavailable("DynamoDB dead-letter read failed", e);
    }
    return response.hasItem() && !response.item().isEmpty() ? Optional.of(letter(response.item())) : Optional.empty();
  }

  private static StoredDeadLetter letter(Map<String, AttributeValue> item) {
    DeadLetter letter = new DeadLetter(
        DeadLetter.Kind.valueOf(item.get("kind").s()),
        string(item, "subject"),
        string(item, "eventId"),
        item.get("reason").s(),
        item.get("payload").b().asByteArray(),
        string(item, "peer"));
    return new StoredDeadLetter(item.get("pk").s(), Long.parseLong(item.get("at").n()), letter);
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  /** Creates the dead-letter table, on demand; for tests and the local sandbox (Terraform in AWS). */
  public static void createTable(DynamoDbClient client, String tableName) {
    Tables.createKeyedOnPk(client, tableName);
  }
}
