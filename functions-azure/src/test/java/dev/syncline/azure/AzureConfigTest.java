package dev.syncline.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.SynclineException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureConfigTest {

  private static Map<String, String> deployed(String secrets) {
    Map<String, String> env = new HashMap<>();
    env.put("SYNCLINE_REPLICA_ID", "azure-eastus");
    env.put("SYNCLINE_TABLES_ENDPOINT", "https://data.table.core.windows.net");
    env.put("SYNCLINE_SECRETS", secrets);
    return env;
  }

  @Test
  void from_readsAResolvedSecret_withTheTableDefaults() {
    AzureConfig config = AzureConfig.from(deployed("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"));

    assertThat(config.common().replicaId()).isEqualTo("azure-eastus");
    assertThat(config.recordsTable()).isEqualTo("synclineRecords");
    assertThat(config.common().antiEntropy().roundPeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.common().antiEntropy().repairsPerRound()).isEqualTo(100);
  }

  @Test
  void from_readsTheAntiEntropySettings() {
    Map<String, String> env = deployed("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3");
    env.put("SYNCLINE_ANTI_ENTROPY_PERIOD", "PT5M");
    env.put("SYNCLINE_ANTI_ENTROPY_REPAIRS", "25");

    AzureConfig config = AzureConfig.from(env);

    assertThat(config.common().antiEntropy().roundPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.common().antiEntropy().repairsPerRound()).isEqualTo(25);
  }

  @Test
  void from_refusesAnAntiEntropyPeriodThatIsNotADuration() {
    Map<String, String> env = deployed("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3");
    env.put("SYNCLINE_ANTI_ENTROPY_PERIOD", "90s");

    assertThatThrownBy(() -> AzureConfig.from(env))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONFIGURATION))
        .hasMessageContaining("SYNCLINE_ANTI_ENTROPY_PERIOD");
  }

  @Test
  void from_refusesAKeyVaultReferenceAppServiceCouldNotResolve() {
    Map<String, String> env = deployed("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/signing)");

    assertThatThrownBy(() -> AzureConfig.from(env))
        .isInstanceOf(SynclineException.class)
        .hasMessageContaining("could not resolve")
        .hasMessageContaining("key_vault_reference_identity_id");
  }
}
