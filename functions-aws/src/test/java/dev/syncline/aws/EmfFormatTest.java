package dev.syncline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncline.core.metrics.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EmfFormatTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final long AT = 1_764_158_400_000L;

  private final EmfFormat emf = new EmfFormat();

  @Test
  void deadLetters_isExactlyTheDocumentedLine() {
    assertThat(emf.line("aws-us-east-1", Signal.DEAD_LETTERS, 1, AT)).isEqualTo(
        "{\"_aws\":{\"Timestamp\":1764158400000,\"CloudWatchMetrics\":[{\"Namespace\":\"Syncline\","
            + "\"Dimensions\":[[\"ReplicaId\"]],\"Metrics\":[{\"Name\":\"DeadLetters\",\"Unit\":\"Count\"}]}]},"
            + "\"ReplicaId\":\"aws-us-east-1\",\"DeadLetters\":1}");
  }

  @ParameterizedTest
  @EnumSource(Signal.class)
  void everySignal_isOneEmfDocument_whoseDirectiveNamesItsValueAndDimension(Signal signal) throws Exception {
    String line = emf.line("aws-us-east-1", signal, 250, AT);

    assertThat(line).doesNotContain("\n", "\r");
    JsonNode root = JSON.readTree(line);
    JsonNode aws = root.get("_aws");
    assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
    assertThat(aws.get("Timestamp").asLong()).isEqualTo(AT);
    assertThat(aws.get("CloudWatchMetrics")).hasSize(1);
    JsonNode directive = aws.get("CloudWatchMetrics").get(0);
    assertThat(directive.get("Namespace").asText()).isEqualTo("Syncline");
    assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"ReplicaId\"]]");
    assertThat(directive.get("Metrics")).hasSize(1);
    assertThat(directive.get("Metrics").get(0).get("Name").asText()).isEqualTo(signal.metricName());
    assertThat(directive.get("Metrics").get(0).get("Unit").asText()).isEqualTo(signal.unit());
    // every dimension and metric the directive names is a member of the root (EMF target members)
    assertThat(root.get("ReplicaId").asText()).isEqualTo("aws-us-east-1");
    assertThat(root.get(signal.metricName()).isIntegralNumber()).isTrue();
    assertThat(root.get(signal.metricName()).asLong()).isEqualTo(250);
    assertThat(root.size()).isEqualTo(3);
  }

  @Test
  void latencies_areInMilliseconds() {
    assertThat(emf.line("aws-us-east-1", Signal.REPLICATION_LAG, 87, AT))
        .contains("{\"Name\":\"ReplicationLag\",\"Unit\":\"Milliseconds\"}")
        .endsWith("\"ReplicationLag\":87}");
    assertThat(emf.line("aws-us-east-1", Signal.OUTBOX_AGE, 61_000, AT))
        .contains("{\"Name\":\"OutboxAge\",\"Unit\":\"Milliseconds\"}")
        .endsWith("\"OutboxAge\":61000}");
  }

  @Test
  void aReplicaIdIsEscapedAsJson_whateverItHolds() throws Exception {
    String line = emf.line("a\"b\\c\n", Signal.DUPLICATES, 1, AT);

    assertThat(line).doesNotContain("\n");
    assertThat(JSON.readTree(line).get("ReplicaId").asText()).isEqualTo("a\"b\\c\n");
  }
}
