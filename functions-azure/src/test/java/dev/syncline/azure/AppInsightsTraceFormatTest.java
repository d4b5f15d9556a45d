package dev.syncline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncline.core.metrics.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AppInsightsTraceFormatTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final long AT = 1_764_158_400_000L;

  private final AppInsightsTraceFormat format = new AppInsightsTraceFormat();

  @Test
  void deadLetters_isExactlyTheDocumentedLine() {
    assertThat(format.line("azure-eastus", Signal.DEAD_LETTERS, 1, AT))
        .isEqualTo("syncline-metric {\"name\":\"DeadLetters\",\"value\":1,\"unit\":\"Count\",\"replicaId\":\"azure-eastus\"}");
  }

  @ParameterizedTest
  @EnumSource(Signal.class)
  void everySignal_isThePrefix_thenJsonFromCharacter16(Signal signal) throws Exception {
    String line = format.line("azure-eastus", signal, 250, AT);

    assertThat(line).startsWith("syncline-metric ").doesNotContain("\n", "\r");
    JsonNode json = JSON.readTree(line.substring(16)); // what the alert queries parse
    assertThat(json.get("name").asText()).isEqualTo(signal.metricName());
    assertThat(json.get("value").isIntegralNumber()).isTrue();
    assertThat(json.get("value").asLong()).isEqualTo(250);
    assertThat(json.get("unit").asText()).isEqualTo(signal.unit());
    assertThat(json.get("replicaId").asText()).isEqualTo("azure-eastus");
    assertThat(json.size()).isEqualTo(4);
  }

  @Test
  void aReplicaIdIsEscapedAsJson_whateverItHolds() throws Exception {
    String line = format.line("a\"b\\c\n", Signal.DUPLICATES, 1, AT);

    assertThat(line).doesNotContain("\n");
    assertThat(JSON.readTree(line.substring(16)).get("replicaId").asText()).isEqualTo("a\"b\\c\n");
  }
}
