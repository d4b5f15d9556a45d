package dev.syncline.aws.dynamodb;

import java.time.Duration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/** Table helpers shared by the stores' {@code createTable} methods. */
final class Tables {

  private Tables() {}

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
