package dev.syncline.aws;

import dev.syncline.core.Settings;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.SynclineException;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.port.Peer;
import dev.syncline.core.repair.AntiEntropy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The function's configuration, read once from environment variables (set by Terraform; see
 * {@code functions-aws/README.md}). Bad configuration fails fast with a message naming the
 * variable.
 *
 * @param replicaId {@code SYNCLINE_REPLICA_ID}
 * @param recordsTable {@code SYNCLINE_RECORDS_TABLE}
 * @param dedupeTable {@code SYNCLINE_DEDUPE_TABLE}
 * @param deadLettersTable {@code SYNCLINE_DEAD_LETTERS_TABLE}
 * @param peers {@code SYNCLINE_PEERS}: {@code replica=https://url} pairs, comma separated
 * @param secretsArn {@code SYNCLINE_SECRETS_ARN}: Secrets Manager secret holding the signing
 *     secrets in the form of {@code SYNCLINE_SECRETS} ({@link Settings#signingSecrets})
 * @param plainSecrets {@code SYNCLINE_SECRETS}: the same in plain text, for local runs only
 * @param dynamoDbEndpoint {@code SYNCLINE_DYNAMODB_ENDPOINT}: an emulator URL, for local runs only
 * @param allowPlainHttpToLoopback {@code SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK}: {@code true} lets
 *     peers be {@code http://127.0.0.1:...}, for tests only
 * @param retry {@code SYNCLINE_OUTBOX_RETRY_BASE} / {@code SYNCLINE_OUTBOX_RETRY_CAP}: the outbox's backoff
 *     between attempts to reach a peer (ISO-8601 durations; default 1 s and 60 s)
 * @param antiEntropy {@code SYNCLINE_ANTI_ENTROPY_PERIOD} / {@code SYNCLINE_ANTI_ENTROPY_REPAIRS}: how
 *     often the anti-entropy round is scheduled (ISO-8601, default 1 min) and how many records it
 *     repairs per peer per round (default 100); {@link Settings#antiEntropy}
 */
public record AwsConfig(
    String replicaId,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable,
    List<Peer> peers,
    Optional<String> secretsArn,
    Optional<SigningSecrets> plainSecrets,
    Optional<URI> dynamoDbEndpoint,
    boolean allowPlainHttpToLoopback,
    Backoff retry,
    AntiEntropy.Settings antiEntropy) {

  public static AwsConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static AwsConfig from(Map<String, String> env) {
    Optional<String> arn = Settings.optional(env, "SYNCLINE_SECRETS_ARN");
    Optional<String> plain = Settings.optional(env, "SYNCLINE_SECRETS");
    if (arn.isEmpty() && plain.isEmpty()) {
      throw SynclineException.configuration("set SYNCLINE_SECRETS_ARN (or SYNCLINE_SECRETS for local runs)");
    }
    return new AwsConfig(
        Settings.required(env, "SYNCLINE_REPLICA_ID"),
        Settings.required(env, "SYNCLINE_RECORDS_TABLE"),
        Settings.required(env, "SYNCLINE_DEDUPE_TABLE"),
        Settings.required(env, "SYNCLINE_DEAD_LETTERS_TABLE"),
        Settings.peers(env.getOrDefault("SYNCLINE_PEERS", "")),
        arn,
        plain.map(Settings::signingSecrets),
        Settings.optional(env, "SYNCLINE_DYNAMODB_ENDPOINT").map(URI::create),
        Boolean.parseBoolean(env.getOrDefault("SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "false")),
        Settings.backoff(env),
        Settings.antiEntropy(env));
  }
}
