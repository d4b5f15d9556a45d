package dev.syncline.aws.dynamodb;

import java.time.Duration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Table helpers shared by the stores' {@code createTable} methods. */
final class Tables {

  private Tables() {}

  /** Creates an on-demand table keyed by the string attribute {@code pk}, and waits for it. */
  static void createKeyedOnPk(DynamoDbClient client, String tableName) {
    client.createTable(b -> b
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
    awaitActive(client, tableName);
  }

  /** Polls DescribeTable every 100 ms (for up to a minute) until the table is active. */
  static void awaitActive(DynamoDbClient client, String tableName) {
    try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
        .client(client)
        .overrideConfiguration(WaiterOverrideConfiguration.builder()
            .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(100)))
            .maxAttempts(600)
            .build())
        .build()) {
      waiter.waitUntilTableExists(b -> b.tableName(tableName));
    }
  }
}
