package dev.syncline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.SynclineException;
import dev.syncline.core.repair.AntiEntropy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's configuration from its environment variables. */
class AwsConfigTest {

  private static Map<String, String> env(String... more) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SYNCLINE_REPLICA_ID", "aws-us-east-1",
        "SYNCLINE_RECORDS_TABLE", "records",
        "SYNCLINE_DEDUPE_TABLE", "dedupe",
        "SYNCLINE_DEAD_LETTERS_TABLE", "dead-letters",
        "SYNCLINE_SECRETS", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void antiEntropy_isTheCoresStandard_whenNotSet() {
    assertThat(AwsConfig.from(env()).common().antiEntropy()).isEqualTo(AntiEntropy.Settings.standard());
  }

  @Test
  void antiEntropy_honoursItsPeriodAndRepairs() {
    AntiEntropy.Settings s = AwsConfig.from(env(
        "SYNCLINE_ANTI_ENTROPY_PERIOD", "PT5M", "SYNCLINE_ANTI_ENTROPY_REPAIRS", "250")).common().antiEntropy();

    assertThat(s.roundPeriod()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.repairsPerRound()).isEqualTo(250);
  }

  @Test
  void antiEntropy_refusesABadSetting_namingIt() {
    assertThatThrownBy(() -> AwsConfig.from(env("SYNCLINE_ANTI_ENTROPY_REPAIRS", "0")))
        .isInstanceOf(SynclineException.class).hasMessageContaining("SYNCLINE_ANTI_ENTROPY_REPAIRS");
    assertThatThrownBy(() -> AwsConfig.from(env("SYNCLINE_ANTI_ENTROPY_PERIOD", "-PT1M")))
        .isInstanceOf(SynclineException.class).hasMessageContaining("SYNCLINE_ANTI_ENTROPY_PERIOD");
  }
}
