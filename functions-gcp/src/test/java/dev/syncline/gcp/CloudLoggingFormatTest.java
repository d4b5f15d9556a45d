package dev.syncline.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncline.core.metrics.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CloudLoggingFormatTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final long AT = 1_764_158_400_000L;

  private final CloudLoggingFormat format = new CloudLoggingFormat();

  @Test
  void deadLetters_isExactlyTheDocumentedLine_atWarning() {
    assertThat(format.line("gcp-us-east4", Signal.DEAD_LETTERS, 1, AT)).isEqualTo(
        "{\"severity\":\"WARNING\",\"message\":\"syncline metric DeadLetters=1\",\"syncline_metric\":\"DeadLetters\","
            + "\"value\":1,\"replica_id\":\"gcp-us-east4\"}");
  }

  @Test
  void intentsApplied_isExactlyTheDocumentedLine_atInfo() {
    assertThat(format.line("gcp-us-east4", Signal.INTENTS_APPLIED, 1, AT)).isEqualTo(
        "{\"severity\":\"INFO\",\"message\":\"syncline metric IntentsApplied=1\",\"syncline_metric\":\"IntentsApplied\","
            + "\"value\":1,\"replica_id\":\"gcp-us-east4\"}");
  }

  @ParameterizedTest
  @EnumSource(Signal.class)
  void everySignal_isOneJsonEntry_thatLogBasedMetricsCanSelectAndExtract(Signal signal) throws Exception {
    String line = format.line("gcp-us-east4", signal, 250, AT);

    assertThat(line).doesNotContain("\n", "\r");
    JsonNode entry = JSON.readTree(line);
    boolean warns = signal == Signal.DEAD_LETTERS || signal == Signal.CLOCK_SKEWS;
    assertThat(entry.get("severity").asText()).isEqualTo(warns ? "WARNING" : "INFO");
    assertThat(entry.get("message").asText()).isEqualTo("syncline metric " + signal.metricName() + "=250");
    assertThat(entry.get("syncline_metric").asText()).isEqualTo(signal.metricName());
    assertThat(entry.get("value").isIntegralNumber()).isTrue();
    assertThat(entry.get("value").asLong()).isEqualTo(250);
    assertThat(entry.get("replica_id").asText()).isEqualTo("gcp-us-east4");
    assertThat(entry.size()).isEqualTo(5);
  }

  @Test
  void aReplicaIdIsEscapedAsJson_whateverItHolds() throws Exception {
    String line = format.line("a\"b\\c\n", Signal.DUPLICATES, 1, AT);

    assertThat(line).doesNotContain("\n");
    assertThat(JSON.readTree(line).get("replica_id").asText()).isEqualTo("a\"b\\c\n");
  }
}
