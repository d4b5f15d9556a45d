package dev.syncline.aws;

import dev.syncline.aws.dynamodb.DynamoDbDeadLetterSink;
import dev.syncline.aws.dynamodb.DynamoDbDedupeStore;
import dev.syncline.aws.dynamodb.DynamoDbRecordStore;
import dev.syncline.core.Replica;
import dev.syncline.core.Settings;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.metrics.LogLineMetrics;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Wires the core's {@link Replica} to DynamoDB; {@link #shared()} builds it once per Lambda
 * container, on first use, for every function in it.
 */
public final class AwsReplica {

  private AwsReplica() {}

  /** The container's replica, configured from the environment on first use. */
  static Replica shared() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final Replica INSTANCE = create(AwsConfig.fromEnvironment(), Clock.system());
  }

  /** Wires a replica from configuration. */
  public static Replica create(AwsConfig config, Clock clock) {
    DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
    config.dynamoDbEndpoint().ifPresent(endpoint -> builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
    DynamoDbClient dynamo = builder.build();
    return create(config, clock, dynamo, secrets(config));
  }

  /** Wires a replica on a given client and secrets, its metrics on stdout. */
  public static Replica create(AwsConfig config, Clock clock, DynamoDbClient dynamo, SigningSecrets secrets) {
    return create(config, clock, dynamo, secrets, line -> System.out.println(line));
  }

  /**
   * Wires a replica on a given client and secrets (tests, the local sandbox).
   *
   * @param metricLines where each metric goes, as one CloudWatch EMF line ({@link EmfFormat});
   *     in Lambda, stdout, which CloudWatch Logs reads
   */
  public static Replica create(
      AwsConfig config, Clock clock, DynamoDbClient dynamo, SigningSecrets secrets, Consumer<String> metricLines) {
    DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
    return Replica.builder(config.common())
        .secrets(secrets)
        .stores(
            new DynamoDbRecordStore(enhanced, config.recordsTable()),
            new DynamoDbDedupeStore(enhanced, config.dedupeTable()),
            new DynamoDbDeadLetterSink(dynamo, config.deadLettersTable(), clock))
        .clock(clock)
        .metrics(new LogLineMetrics(config.common().replicaId(), new EmfFormat(), metricLines, clock))
        .build();
  }

  /** The signing secrets: from Secrets Manager where the ARN is set, else the plain setting. */
  private static SigningSecrets secrets(AwsConfig config) {
    if (config.secretsArn().isEmpty()) {
      return config.common().secrets().orElseThrow();
    }
    try (SecretsManagerClient sm = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
      return Settings.signingSecrets(sm.getSecretValue(b -> b.secretId(config.secretsArn().get())).secretString());
    } catch (SdkException e) {
      throw SynclineException.unavailable("could not read the signing secrets from Secrets Manager", e);
    }
  }
}
