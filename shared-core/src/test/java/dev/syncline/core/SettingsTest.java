package dev.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.outbox.Backoff;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

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
}
