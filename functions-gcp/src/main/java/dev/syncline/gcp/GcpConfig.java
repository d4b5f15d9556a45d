package dev.syncline.gcp;

import dev.syncline.core.Settings;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.SynclineException;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.port.Peer;
import dev.syncline.core.repair.AntiEntropy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' configuration, read once from environment variables (set by Terraform; see
 * {@code functions-gcp/README.md}). The signing secrets ({@code SYNCLINE_SECRETS}: this replica's
 * own and each peer's, see {@link Settings#signingSecrets}) arrive as an environment variable that
 * Cloud Functions fills from Secret Manager, so no Secret Manager client is needed here.
 */
public record GcpConfig(
    String replicaId,
    String project,
    String instance,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable,
    List<Peer> peers,
    SigningSecrets secrets,
    Optional<Integer> emulatorPort,
    boolean allowPlainHttpToLoopback,
    Backoff retry,
    AntiEntropy.Settings antiEntropy) {

  public static GcpConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static GcpConfig from(Map<String, String> env) {
    if (Settings.optional(env, "SYNCLINE_SECRETS").isEmpty()) {
      throw SynclineException.configuration("SYNCLINE_SECRETS is required (a Secret Manager secret in Google Cloud)");
    }
    SigningSecrets secrets = Settings.signingSecrets(env.get("SYNCLINE_SECRETS"));
    return new GcpConfig(
        Settings.required(env, "SYNCLINE_REPLICA_ID"),
        Settings.required(env, "SYNCLINE_BIGTABLE_PROJECT"),
        Settings.required(env, "SYNCLINE_BIGTABLE_INSTANCE"),
        env.getOrDefault("SYNCLINE_RECORDS_TABLE", "syncline-records"),
        env.getOrDefault("SYNCLINE_DEDUPE_TABLE", "syncline-dedupe"),
        env.getOrDefault("SYNCLINE_DEAD_LETTERS_TABLE", "syncline-dead-letters"),
        Settings.peers(env.getOrDefault("SYNCLINE_PEERS", "")),
        secrets,
        Settings.optional(env, "SYNCLINE_BIGTABLE_EMULATOR_PORT").map(Integer::parseInt),
        Boolean.parseBoolean(env.getOrDefault("SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "false")),
        Settings.backoff(env),
        Settings.antiEntropy(env));
  }
}
