package dev.syncline.gcp;

import dev.syncline.core.Settings;
import dev.syncline.core.SynclineException;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' configuration, read once from environment variables (set by Terraform; see
 * {@code functions-gcp/README.md}): the settings every cloud shares ({@link Settings#common}) and
 * where its Bigtable tables are. The signing secrets ({@code SYNCLINE_SECRETS}: this replica's own
 * and each peer's, see {@link Settings#signingSecrets}) arrive as an environment variable that
 * Cloud Functions fills from Secret Manager, so no Secret Manager client is needed here.
 *
 * @param emulatorPort {@code SYNCLINE_BIGTABLE_EMULATOR_PORT}, for local runs only
 */
public record GcpConfig(
    Settings.Common common,
    String project,
    String instance,
    String recordsTable,
    String dedupeTable,
    String deadLettersTable,
    Optional<Integer> emulatorPort) {

  public static GcpConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static GcpConfig from(Map<String, String> env) {
    if (Settings.optional(env, "SYNCLINE_SECRETS").isEmpty()) {
      throw SynclineException.configuration("SYNCLINE_SECRETS is required (a Secret Manager secret in Google Cloud)");
    }
    return new GcpConfig(
        Settings.common(env),
        Settings.required(env, "SYNCLINE_BIGTABLE_PROJECT"),
        Settings.required(env, "SYNCLINE_BIGTABLE_INSTANCE"),
        env.getOrDefault("SYNCLINE_RECORDS_TABLE", "syncline-records"),
        env.getOrDefault("SYNCLINE_DEDUPE_TABLE", "syncline-dedupe"),
        env.getOrDefault("SYNCLINE_DEAD_LETTERS_TABLE", "syncline-dead-letters"),
        Settings.optional(env, "SYNCLINE_BIGTABLE_EMULATOR_PORT").map(Integer::parseInt));
  }
}
