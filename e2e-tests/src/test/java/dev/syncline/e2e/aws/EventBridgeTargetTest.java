package dev.syncline.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class EventBridgeTargetTest {

  private static final String CLOUD_EVENT = "{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\","
      + "\"source\":\"/apps/profile-service\",\"id\":\"b7f3\",\"subject\":\"user/42\",\"data\":{\"ops\":[]}}";

  @Test
  void envelope_isTheEventBridgeSample_forTheSamplesCloudEvent() throws Exception {
    JsonNode sample;
    try (var in = getClass().getResourceAsStream("eventbridge-intent.json")) {
      sample = Http.JSON.readTree(in);
    }
    EventBridgeTarget target = new EventBridgeTarget(sample.path("account").asText(), sample.path("region").asText(), p -> null);

    JsonNode envelope = target.envelope(Http.JSON.writeValueAsBytes(sample.path("detail")), sample.path("id").asText(),
        Instant.parse(sample.path("time").asText()).plusMillis(125));

    assertThat(envelope).isEqualTo(sample);
    assertThat(Http.JSON.writeValueAsString(envelope)).isEqualTo(Http.JSON.writeValueAsString(sample));
  }

  @Test
  void deliver_answers200OnResponse_500OnFunctionError_andThrowsOnTimeout() throws Exception {
    byte[] event = CLOUD_EVENT.getBytes(StandardCharsets.UTF_8);
    List<JsonNode> invoked = new ArrayList<>();

    int ok = new EventBridgeTarget("0", "us-east-1", p -> {
      invoked.add(read(p));
      return CompletableFuture.completedFuture(new Invocation.Result.Response("{}".getBytes(StandardCharsets.UTF_8)));
    }).deliver(event, 1);
    int failed = new EventBridgeTarget("0", "us-east-1", p -> CompletableFuture.completedFuture(
        new Invocation.Result.FunctionError("Runtime.UserException", "{}".getBytes(StandardCharsets.UTF_8)))).deliver(event, 1);

    assertThat(ok).isEqualTo(200);
    assertThat(invoked.get(0).path("detail").path("id").asText()).isEqualTo("b7f3");
    assertThat(failed).isEqualTo(500);
    assertThatThrownBy(() -> new EventBridgeTarget("0", "us-east-1", p -> CompletableFuture.failedFuture(new TimeoutException()))
        .deliver(event, 1)).isInstanceOf(IOException.class).hasMessageContaining("timed out");
  }

  private static JsonNode read(byte[] payload) {
    try {
      return Http.JSON.readTree(payload);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
