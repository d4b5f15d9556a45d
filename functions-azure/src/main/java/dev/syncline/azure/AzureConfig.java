package dev.syncline.azure;

import dev.syncline.core.Settings;
import dev.syncline.core.SynclineException;
import java.util.Map;
import java.util.Optional;

/**
 * The function app's configuration, read once from app settings (set by Terraform; see {@code
 * functions-azure/README.md}): the settings every cloud shares ({@link Settings#common}) and where
 * its tables are. The signing secrets ({@code SYNCLINE_SECRETS}: this replica's own and each
 * peer's, see {@link Settings#signingSecrets}) arrive as a Key Vault reference that App Service
 * resolves into the setting's value, so no Key Vault client is needed here.
 *
 * <p>The {@code AntiEntropy} timer fires every minute and runs a round on the tick that opens each
 * period, so in Azure {@code SYNCLINE_ANTI_ENTROPY_PERIOD} should be whole minutes (Terraform
 * validates it). It is not refused here: the local sandbox fires the timer through the admin API
 * on a clock 100 times faster, with a period to match.
 *
 * @param storageConnection {@code SYNCLINE_STORAGE_CONNECTION}, or
 * @param tablesEndpoint {@code SYNCLINE_TABLES_ENDPOINT} with managed identity
 */
public record AzureConfig(
    Settings.Common common,
    Optional<String> storageConnection,
    Optional<String> tablesEndpoint,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable) {

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
    return new AzureConfig(
        Settings.common(env),
        Settings.optional(env, "SYNCLINE_STORAGE_CONNECTION"),
        Settings.optional(env, "SYNCLINE_TABLES_ENDPOINT"),
        env.getOrDefault("SYNCLINE_RECORDS_TABLE", "synclineRecords"),
        env.getOrDefault("SYNCLINE_DEDUPE_TABLE", "synclineDedupe"),
        env.getOrDefault("SYNCLINE_DEAD_LETTERS_TABLE", "synclineDeadLetters"));
  }
}
