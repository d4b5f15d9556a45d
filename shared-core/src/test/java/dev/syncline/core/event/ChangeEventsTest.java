package dev.syncline.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.SynclineException;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.event.ChangeEvents.RemoteChange;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventsTest {

  private final RecordState delta = Samples.userState("aws-us-east-1", "a@b", 1_764_158_400_125L);
  private final CloudEvent change =
      ChangeEvents.build("aws-us-east-1", Samples.USER_42, "user/42@3", 1_764_158_400_125L, delta, null);

  @Test
  void build_setsTheAttributesOfDesignSection4() {
    assertThat(change.getType()).isEqualTo("dev.syncline.record.changed.v1");
    assertThat(change.getSource()).isEqualTo(URI.create("/syncline/replicas/aws-us-east-1"));
    assertThat(change.getSubject()).isEqualTo("user/42");
    assertThat(change.getExtension("partitionkey")).isEqualTo("user/42");
    assertThat((String) change.getExtension("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(change.getTime().toInstant().toEpochMilli()).isEqualTo(1_764_158_400_125L);
  }

  @Test
  void binaryMode_roundTripsThroughHttpHeaders() {
    HttpMessage wire = ChangeEvents.toBinary(change);

    assertThat(wire.headers()).containsEntry("ce-type", "dev.syncline.record.changed.v1").containsKey("ce-traceparent");
    RemoteChange read = ChangeEvents.read(ChangeEvents.fromBinary(upperCased(wire.headers()), wire.body()));
    assertThat(read).isEqualTo(new RemoteChange("aws-us-east-1", Samples.USER_42, "user/42@3", 1_764_158_400_125L, delta));
  }

  @Test
  void structuredMode_roundTrips() {
    HttpMessage wire = ChangeEvents.toStructured(change);

    assertThat(wire.headers().get("Content-Type")).startsWith("application/cloudevents+json");
    assertThat(ChangeEvents.read(dev.syncline.core.json.Json.readCloudEvent(wire.body())).delta()).isEqualTo(delta);
  }

  @Test
  void read_rejectsAChangeFromASourceThatIsNotAReplica() {
    CloudEvent forged = CloudEventBuilder.v1(change).withSource(URI.create("/apps/evil")).build();

    assertThatThrownBy(() -> ChangeEvents.read(forged))
        .isInstanceOf(SynclineException.class)
        .hasMessageContaining("source must be /syncline/replicas/");
  }

  @Test
  void read_rejectsADeltaThatDoesNotFitTheFormat() {
    CloudEvent bad = CloudEventBuilder.v1(change).withData("{\"format\":\"syncline-delta/1\",\"context\":{}}".getBytes()).build();

    assertThatThrownBy(() -> ChangeEvents.read(bad))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.MALFORMED))
        .hasMessageContaining("syncline-delta/2");
  }

  @Test
  void conflictEvent_carriesTheValuesWinnerFirst() {
    dev.syncline.core.crdt.Conflict conflict = new dev.syncline.core.crdt.Conflict(Samples.USER_42, "email",
        java.util.List.of(dev.syncline.core.crdt.JsonValue.ofString("z@x"), dev.syncline.core.crdt.JsonValue.ofString("a@x")),
        "gcp-us-east4");

    CloudEvent event = ChangeEvents.conflictEvent(conflict, 1_764_158_400_000L);

    assertThat(event.getType()).isEqualTo("dev.syncline.record.conflict.v1");
    assertThat(event.getSubject()).isEqualTo("user/42");
    assertThat(new String(event.getData().toBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"entity\":\"user\",\"id\":\"42\",\"field\":\"email\",\"values\":[\"z@x\",\"a@x\"],\"replica\":\"gcp-us-east4\"}");
  }

  private static Map<String, String> upperCased(Map<String, String> headers) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    headers.forEach((k, v) -> out.put(k.toUpperCase(java.util.Locale.ROOT), v));
    return out;
  }
}
