package dev.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.outbox.Backoff;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void theSharedSettings_areReadOnce_forEveryCloud() {
    Settings.Common common = Settings.common(Map.of(
        "SYNCLINE_REPLICA_ID", "aws-us-east-1",
        "SYNCLINE_PEERS", "gcp-us-east4=https://gcp.example/events, azure-eastus=https://azure.example/events",
        "SYNCLINE_SECRETS", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3",
        "SYNCLINE_OUTBOX_RETRY_BASE", "PT2S",
        "SYNCLINE_ANTI_ENTROPY_REPAIRS", "7",
        "SYNCLINE_SCHEMAS", "{\"user\": {\"email\": \"register\"}}"));

    assertThat(common.replicaId()).isEqualTo("aws-us-east-1");
    assertThat(common.peers()).extracting(p -> p.replica()).containsExactly("gcp-us-east4", "azure-eastus");
    assertThat(common.secrets().orElseThrow().inbound()).hasSize(1);
    assertThat(common.allowPlainHttpToLoopback()).isFalse();
    assertThat(common.retry().base()).isEqualTo(Duration.ofSeconds(2));
    assertThat(common.antiEntropy().repairsPerRound()).isEqualTo(7);
    assertThat(common.schemas()).contains("{\"user\": {\"email\": \"register\"}}");
  }

  @Test
  void theSharedSettings_needAReplicaId() {
    assertThatThrownBy(() -> Settings.common(Map.of("SYNCLINE_PEERS", "")))
        .isInstanceOf(SynclineException.class).hasMessage("SYNCLINE_REPLICA_ID is required");
  }

  @Test
  void backoffDefaultsToTheStandardOne() {
    assertThat(Settings.backoff(Map.of())).isEqualTo(Backoff.standard());
  }

  @Test
  void backoffReadsIsoDurations() {
    Backoff b = Settings.backoff(Map.of("SYNCLINE_OUTBOX_RETRY_BASE", "PT0.01S", "SYNCLINE_OUTBOX_RETRY_CAP", "PT0.6S"));
    assertThat(b).isEqualTo(new Backoff(Duration.ofMillis(10), Duration.ofMillis(600)));
  }

  @Test
  void badBackoffSettingsNameTheSetting() {
    assertThatThrownBy(() -> Settings.backoff(Map.of("SYNCLINE_OUTBOX_RETRY_CAP", "60")))
        .isInstanceOf(SynclineException.class).hasMessageContaining("SYNCLINE_OUTBOX_RETRY_CAP");
    assertThatThrownBy(() -> Settings.backoff(Map.of("SYNCLINE_OUTBOX_RETRY_BASE", "PT2M")))
        .isInstanceOf(SynclineException.class).hasMessageContaining("base <= cap");
  }

  @Test
  void signingSecrets_tellsOwnSecretsFromPeersOnes() {
    String own = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3";
    String old = "whsec_OTg3NjU0MzIxMGFiY2RlZjAxMjM0NTY3==";
    String gcp = "whsec_Z2NwLXNlY3JldC0wMTIzNDU2Nzg5YWJj";

    SigningSecrets secrets = Settings.signingSecrets(own + ", " + old + " gcp-us-east4=" + gcp);

    assertThat(secrets.inbound()).containsExactly(own, old);
    assertThat(secrets.peers()).containsExactly(Map.entry("gcp-us-east4", gcp));
    assertThat(secrets.toString()).doesNotContain("MDEy", "OTg3", "Z2Nw");
  }

  @Test
  void signingSecrets_refusesWhatIsNeitherKind_withoutQuotingIt() {
    assertThatThrownBy(() -> Settings.signingSecrets("gcp-us-east4=whsec_Z2Nw"))
        .isInstanceOf(SynclineException.class).hasMessageContaining("own secrets");
    assertThatThrownBy(() -> Settings.signingSecrets("whsec_MDEy,hunter2"))
        .isInstanceOf(SynclineException.class).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> Settings.signingSecrets("whsec_MDEy,gcp-us-east4=whsec_a,gcp-us-east4=whsec_b"))
        .isInstanceOf(SynclineException.class).hasMessageContaining("twice");
  }
}
