package dev.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.port.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IntentDeliveryTest {

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final Map<String, TestReplica> mesh = TestReplica.mesh(time, "aws-us-east-1", "gcp-us-east4");
  private final TestReplica aws = mesh.get("aws-us-east-1");
  private final IntentDelivery delivery = new IntentDelivery(aws.engine, aws.drain, aws.deadLetters, aws.metrics);

  @Test
  void deliver_appliesTheIntent_andForwardsItAtOnce() {
    IntentDelivery.Result result = delivery.deliverStructured(
        Samples.intentJson("/apps/t", "i-1", "user/1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]"));

    assertThat(result).isEqualTo(IntentDelivery.Result.APPLIED);
    assertThat(mesh.get("gcp-us-east4").engine.view(new RecordKey("user", "1"))).isPresent();
    assertThat(aws.records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void deliver_carriesAValueNestedToTheLimit_throughTheStoreAndTheWire_andDeadLettersOneLevelMore() {
    String deepest = "[".repeat(JsonValue.MAX_DEPTH) + "1.50" + "]".repeat(JsonValue.MAX_DEPTH);
    String tooDeep = "{\"a\":" + deepest + "}";

    IntentDelivery.Result fits = delivery.deliverStructured(Samples.intentJson("/apps/t", "i-deep", "user/1",
        "[{\"op\":\"set\",\"field\":\"tree\",\"value\":" + deepest + "}]"));
    IntentDelivery.Result refused = delivery.deliverStructured(Samples.intentJson("/apps/t", "i-deeper", "user/2",
        "[{\"op\":\"set\",\"field\":\"tree\",\"value\":" + tooDeep + "}]"));

    assertThat(fits).isEqualTo(IntentDelivery.Result.APPLIED);
    RecordKey key = new RecordKey("user", "1");
    assertThat(mesh.get("gcp-us-east4").engine.view(key).orElseThrow().fields().get("tree").json()).isEqualTo(deepest);
    assertThat(aws.engine.view(key)).isEqualTo(mesh.get("gcp-us-east4").engine.view(key));
    assertThat(refused).isEqualTo(IntentDelivery.Result.DEAD_LETTERED);
    assertThat(aws.deadLetters.letters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("nest at most " + JsonValue.MAX_DEPTH + " "));
    assertThat(aws.records.keys()).containsExactly(key);
  }

  @Test
  void deliver_answersDuplicate_forARedelivery() {
    byte[] event = Samples.intentJson("/apps/t", "i-1", "user/1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    delivery.deliverStructured(event);

    assertThat(delivery.deliverStructured(event)).isEqualTo(IntentDelivery.Result.DUPLICATE);
  }

  @Test
  void deliver_deadLettersAMalformedIntent_withItsReasonAndBytes_andWritesNothing() {
    byte[] event = Samples.intentJson("/apps/t", "i-9", "user/1", "[{\"op\":\"explode\"}]");

    IntentDelivery.Result result = delivery.deliverStructured(event);

    assertThat(result).isEqualTo(IntentDelivery.Result.DEAD_LETTERED);
    assertThat(aws.deadLetters.letters()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DeadLetter.Kind.INTENT);
      assertThat(d.eventId()).isEqualTo("i-9");
      assertThat(d.reason()).contains("ops[0].op");
      assertThat(d.payload()).isEqualTo(event);
    });
    assertThat(aws.metrics.deadLettered.get()).isEqualTo(1);
    assertThat(aws.records.keys()).isEmpty();
  }

  @Test
  void deliver_deadLettersBytesThatAreNoCloudEvent() {
    IntentDelivery.Result result = delivery.deliverStructured("not json".getBytes(StandardCharsets.UTF_8));

    assertThat(result).isEqualTo(IntentDelivery.Result.DEAD_LETTERED);
    assertThat(aws.deadLetters.letters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("not a structured-mode"));
    assertThat(aws.metrics.deadLettered.get()).isEqualTo(1);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "null", "[]", "1e999999999999", "{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"\","
          + "\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"delete\"}]}}"})
  void deliver_deadLettersWhatFuzzingFound_insteadOfFailingTheDeliveryForever(String body) {
    // JSON null, a huge exponent and an empty id once threw past the parser, so the bus would have
    // redelivered them until its dead-letter queue took them.
    assertThat(delivery.deliverStructured(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(IntentDelivery.Result.DEAD_LETTERED);
    assertThat(aws.deadLetters.letters()).hasSize(1);
  }

  @Test
  void deliver_throwsATransientError_whileAConcurrentDuplicateHoldsTheLease() {
    byte[] event = Samples.intentJson("/apps/t", "i-1", "user/1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    String key = dev.syncline.core.event.IntentParser.parseStructured(event).dedupeKey();
    new Dedupe(aws.dedupe).claim(key, "someone-else", time.get(), time.get() + 60_000, time.get() + 86_400_000);

    assertThatThrownBy(() -> delivery.deliverStructured(event))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.isTransient()).isTrue());
    assertThat(aws.records.keys()).isEmpty();
  }
}
