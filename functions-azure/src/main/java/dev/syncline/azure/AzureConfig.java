package dev.syncline.azure;

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
 * The function app's configuration, read once from app settings (set by Terraform; see {@code
 * functions-azure/README.md}). The signing secrets ({@code SYNCLINE_SECRETS}: this replica's own
 * and each peer's, see {@link Settings#signingSecrets}) arrive as a Key Vault reference that App
 * Service resolves into the setting's value, so no Key Vault client is needed here.
 */
public record AzureConfig(
    String replicaId,
    Optional<String> storageConnection,
    Optional<String> tablesEndpoint,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable,
    List<Peer> peers,
    SigningSecrets secrets,
    boolean allowPlainHttpToLoopback,
    Backoff retry,
    AntiEntropy.Settings antiEntropy) {

  public static AzureConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static AzureConfig from(Map<String, String> env) {
    if (Settings.optional(env, "SYNCLINE_STORAGE_CONNECTION").isEmpty()
        && Settings.optional(env, "SYNCLINE_TABLES_ENDPOINT").isEmpty()) {
      throw SynclineException.configuration(
          "set SYNCLINE_TABLES_ENDPOINT (managed identity) or SYNCLINE_STORAGE_CONNECTION");
    }
    if (env.getOrDefault("SYNCLINE_SECRETS", "").trim().startsWith("@Microsoft.KeyVault(")) {
      // App Service passes a reference it could not resolve on as its own text.
      throw SynclineException.configuration("SYNCLINE_SECRETS is a Key Vault reference that App Service could not resolve: "
          + "check the app's key_vault_reference_identity_id and that identity's Key Vault Secrets User role on the secret");
    }
    if (Settings.optional(env, "SYNCLINE_SECRETS").isEmpty()) {
      throw SynclineException.configuration("SYNCLINE_SECRETS is required (a Key Vault reference in Azure)");
    }
    SigningSecrets secrets = Settings.signingSecrets(env.get("SYNCLINE_SECRETS"));
    return new AzureConfig(
        Settings.required(env, "SYNCLINE_REPLICA_ID"),
        Settings.optional(env, "SYNCLINE_STORAGE_CONNECTION"),
        Settings.optional(env, "SYNCLINE_TABLES_ENDPOINT"),
        env.getOrDefault("SYNCLINE_RECORDS_TABLE", "synclineRecords"),
        env.getOrDefault("SYNCLINE_DEDUPE_TABLE", "synclineDedupe"),
        env.getOrDefault("SYNCLINE_DEAD_LETTERS_TABLE", "synclineDeadLetters"),
        Settings.peers(env.getOrDefault("SYNCLINE_PEERS", "")),
        secrets,
        Boolean.parseBoolean(env.getOrDefault("SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "false")),
        Settings.backoff(env),
        antiEntropy(env));
  }

  /**
   * {@link Settings#antiEntropy}. The {@code AntiEntropy} timer fires every minute and runs a
   * round on the tick that opens each period, so in Azure the period should be whole minutes
   * (Terraform validates it). It is not refused here: the local sandbox fires the timer through
   * the admin API on a clock 100 times faster, with a period to match.
   */
  static AntiEntropy.Settings antiEntropy(Map<String, String> env) {
    return Settings.antiEntropy(env);
  }
}
