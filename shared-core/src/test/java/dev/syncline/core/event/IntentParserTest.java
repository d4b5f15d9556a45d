package dev.syncline.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IntentParserTest {

  @Test
  void parse_readsAllSixOps() {
    byte[] json = Samples.intentJson("/apps/profile", "e-1", "user/42",
        "[{\"op\":\"set\",\"field\":\"email\",\"value\":{\"b\":1,\"a\":[1.50,2]}},"
            + "{\"op\":\"unset\",\"field\":\"phone\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":-3},"
            + "{\"op\":\"add\",\"field\":\"tags\",\"value\":\"x\"},{\"op\":\"remove\",\"field\":\"tags\",\"value\":7},"
            + "{\"op\":\"delete\"}]");

    WriteIntent intent = IntentParser.parseStructured(json);

    assertThat(intent.source()).isEqualTo("/apps/profile");
    assertThat(intent.id()).isEqualTo("e-1");
    assertThat(intent.key()).isEqualTo(new RecordKey("user", "42"));
    assertThat(intent.ops()).hasSize(6);
    // Values are canonical: keys sorted, decimals exact as sent (trailing zeros too).
    assertThat(((Op.Set) intent.ops().get(0)).value().json()).isEqualTo("{\"a\":[1.50,2],\"b\":1}");
    assertThat(intent.ops().subList(1, 6))
        .containsExactly(new Op.Unset("phone"), new Op.Incr("logins", -3), new Op.Add("tags", JsonValue.ofString("x")),
            new Op.Remove("tags", JsonValue.ofLong(7)), new Op.Delete());
  }

  @Test
  void parse_readsTheEventBridgeSampleDetail() throws Exception {
    JsonNode envelope = tree(resource("golden/eventbridge-intent.json"));

    WriteIntent intent = IntentParser.parseStructured(envelope.get("detail").toString().getBytes(StandardCharsets.UTF_8));

    assertThat(intent.key().subject()).isEqualTo("user/42");
    assertThat(intent.ops()).containsExactly(new Op.Set("email", JsonValue.ofString("ada@example.com")),
        new Op.Incr("logins", 1), new Op.Add("tags", JsonValue.ofString("beta")));
  }

  @Test
  void parse_readsTheEventGridSample() throws Exception {
    WriteIntent intent = IntentParser.parseStructured(resource("golden/eventgrid-intent.json").getBytes(StandardCharsets.UTF_8));

    assertThat(intent.ops()).containsExactly(new Op.Set("phone", JsonValue.ofString("+1-202-555-0143")));
  }

  @Test
  void parse_rejectsAStringWithAnUnpairedSurrogate_asMalformed() {
    byte[] json = Samples.intentJson("/apps/t", "e-1", "user/42", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"\\ud800\"}]");
    com.fasterxml.jackson.databind.JsonNode data = tree("{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"\\ud800\"}]}");

    assertThatThrownBy(() -> IntentParser.parseOps(data))
        .isInstanceOf(SynclineException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThat(json).isNotEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, true",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01, false",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01, false",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01, false",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, false",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra, false",
      "'', false"})
  void parse_keepsAW3cTraceparent_andDropsAnythingElse(String traceparent, boolean kept) {
    byte[] json = Samples.intentJson("/apps/t", "e-1", "user/42", "[{\"op\":\"delete\"}]");
    String withTrace = new String(json, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"traceparent\":\"" + traceparent + "\",");

    WriteIntent intent = IntentParser.parseStructured(withTrace.getBytes(StandardCharsets.UTF_8));

    assertThat(intent.traceparent()).isEqualTo(kept ? traceparent : null);
  }

  @Test
  void parse_dropsATraceparentOfAMegabyte_soItCannotGrowTheOutbox() {
    byte[] json = Samples.intentJson("/apps/t", "e-1", "user/42", "[{\"op\":\"delete\"}]");
    String withTrace = new String(json, StandardCharsets.UTF_8).replaceFirst("\\{", "{\"traceparent\":\"" + "0".repeat(1 << 20) + "\",");

    assertThat(IntentParser.parseStructured(withTrace.getBytes(StandardCharsets.UTF_8)).traceparent()).isNull();
  }

  @Test
  void dedupeKey_isStableAndSeparatesSourceFromId() {
    WriteIntent a = new WriteIntent("/a", "b/c", new RecordKey("user", "1"), List.of(new Op.Delete()));
    WriteIntent b = new WriteIntent("/a/b", "c", new RecordKey("user", "1"), List.of(new Op.Delete()));

    assertThat(a.dedupeKey()).hasSize(22).isEqualTo(new WriteIntent("/a", "b/c", new RecordKey("user", "2"), List.of(new Op.Delete())).dedupeKey());
    assertThat(a.dedupeKey()).isNotEqualTo(b.dedupeKey());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|{oops|structured-mode JSON CloudEvent",
        "missing id|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"delete\"}]}}|CloudEvent",
        "wrong type|{\"specversion\":\"1.0\",\"type\":\"x.y\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"delete\"}]}}|type must be dev.syncline.record.write.v1",
        "bad subject|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"User 1\",\"data\":{\"ops\":[{\"op\":\"delete\"}]}}|subject",
        "no data|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\"}|data is required",
        "xml data|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"datacontenttype\":\"application/xml\",\"data\":\"<a/>\"}|datacontenttype",
        "empty ops|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[]}}|data.ops must be a non-empty array",
        "unknown op|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"merge\"}]}}|ops[0].op must be one of",
        "fractional incr|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"delete\"},{\"op\":\"incr\",\"field\":\"n\",\"by\":1.5}]}}|ops[1].by must be a signed 64-bit integer",
        "huge incr|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"incr\",\"field\":\"n\",\"by\":99999999999999999999}]}}|ops[0].by must be a signed 64-bit integer",
        "object set element|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"add\",\"field\":\"t\",\"value\":{}}]}}|ops[0].value must be a JSON string, number or boolean",
        "missing value|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"set\",\"field\":\"t\"}]}}|ops[0].value is required",
        "typo property|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"set\",\"field\":\"t\",\"vale\":1}]}}|ops[0] has an unknown property 'vale'",
        "bad field name|{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/a\",\"id\":\"1\",\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"unset\",\"field\":\"a b\"}]}}|ops[0]: field name must match",
      })
  void parse_rejectsMalformedIntents_withAPreciseMessage(String name, String json, String message) {
    assertThatThrownBy(() -> IntentParser.parseStructured(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.MALFORMED))
        .hasMessageContaining(message);
  }

  private static JsonNode tree(String json) {
    return dev.syncline.core.json.Json.parse(json, "test JSON");
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = IntentParserTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
