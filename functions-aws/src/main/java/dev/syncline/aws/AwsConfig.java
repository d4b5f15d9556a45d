package dev.syncline.aws;

import dev.syncline.core.Settings;
import dev.syncline.core.SynclineException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The function's configuration, read once from environment variables (set by Terraform; see
 * {@code functions-aws/README.md}): the settings every cloud shares ({@link Settings#common}) and
 * where its tables and secrets are. Bad configuration fails fast with a message naming the
 * variable.
 *
 * @param common the shared settings; {@code common.secrets()} is {@code SYNCLINE_SECRETS}, the
 *     signing secrets in plain text, for local runs only
 * @param recordsTable {@code SYNCLINE_RECORDS_TABLE}
 * @param dedupeTable {@code SYNCLINE_DEDUPE_TABLE}
 * @param deadLettersTable {@code SYNCLINE_DEAD_LETTERS_TABLE}
 * @param secretsArn {@code SYNCLINE_SECRETS_ARN}: Secrets Manager secret holding the signing
 *     secrets in the form of {@code SYNCLINE_SECRETS} ({@link Settings#signingSecrets})
 * @param dynamoDbEndpoint {@code SYNCLINE_DYNAMODB_ENDPOINT}: an emulator URL, for local runs only
 */
public record AwsConfig(
    Settings.Common common,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable,
    Optional<String> secretsArn,
    Optional<URI> dynamoDbEndpoint) {

  public static AwsConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static AwsConfig from(Map<String, String> env) {
    Optional<String> arn = Settings.optional(env, "SYNCLINE_SECRETS_ARN");
    if (arn.isEmpty() && Settings.optional(env, "SYNCLINE_SECRETS").isEmpty()) {
      throw SynclineException.configuration("set SYNCLINE_SECRETS_ARN (or SYNCLINE_SECRETS for local runs)");
    }
    return new AwsConfig(
        Settings.common(env),
        Settings.required(env, "SYNCLINE_RECORDS_TABLE"),
        Settings.required(env, "SYNCLINE_DEDUPE_TABLE"),
        Settings.required(env, "SYNCLINE_DEAD_LETTERS_TABLE"),
        arn,
        Settings.optional(env, "SYNCLINE_DYNAMODB_ENDPOINT").map(URI::create));
  }
}
