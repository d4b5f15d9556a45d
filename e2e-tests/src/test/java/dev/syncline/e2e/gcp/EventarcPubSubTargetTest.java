package dev.syncline.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.Intents;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Eventarc push the bus target sends, checked against the golden sample on a stand-in function. */
class EventarcPubSubTargetTest {

  /** One request the stand-in function received. */
  private record Push(Map<String, String> headers, JsonNode body) {}

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final BlockingQueue<Push> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
  private HttpServer function;
  private EventarcPubSubTarget target;

  @BeforeEach
  void startStandInFunction() {
    function = Http.loopbackServer("stand-in-function");
    function.createContext("/", exchange -> {
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      received.add(new Push(headers, Http.JSON.readTree(Http.body(exchange, 1 << 20))));
      Integer status = answers.poll();
      Http.send(exchange, status == null ? 204 : status, null, new byte[0]);
    });
    function.start();
    target = new EventarcPubSubTarget(http, URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/"),
        "syncline-sandbox", "us-east4", Duration.ofHours(1));
  }

  @AfterEach
  void stopStandInFunction() {
    function.stop(0);
  }

  private static JsonNode sample() throws IOException {
    try (InputStream in = EventarcPubSubTargetTest.class.getResourceAsStream("eventarc-pubsub-intent.http.json")) {
      return Http.JSON.readTree(in);
    }
  }

  private Push next() throws InterruptedException {
    Push push = received.poll(5, TimeUnit.SECONDS);
    assertThat(push).as("a push reached the function").isNotNull();
    return push;
  }

  /** The JSON with every leaf replaced by its node type: what must match the sample. */
  private static JsonNode shape(JsonNode node) {
    if (!node.isObject()) {
      return Http.JSON.getNodeFactory().textNode(node.getNodeType().name());
    }
    ObjectNode shape = Http.JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      shape.set(field.getKey(), shape(field.getValue()));
    }
    return shape;
  }

  @Test
  void deliver_pushesTheMessagePublishedEvent_shapedLikeTheEventarcSample() throws Exception {
    // GIVEN an intent
    byte[] intent = Intents.write("i-1", "user/42", Intents.ops(Intents.set("email", "a@b")));

    // WHEN the bus delivers it for the first time
    int status = target.deliver(intent, 1);

    // THEN the function got the sample's headers and body, carrying the intent
    assertThat(status).isEqualTo(204);
    Push push = next();
    JsonNode sample = sample();
    Map<String, String> expectedHeaders = new TreeMap<>();
    sample.get("headers").fields().forEachRemaining(h -> expectedHeaders.put(h.getKey(), h.getValue().asText()));
    assertThat(push.headers()).containsKeys(expectedHeaders.keySet().toArray(String[]::new));
    assertThat(push.headers())
        .containsEntry("ce-source", "//pubsub.googleapis.com/projects/syncline-sandbox/topics/syncline-intents")
        .containsEntry("ce-type", expectedHeaders.get("ce-type"))
        .containsEntry("ce-specversion", "1.0")
        .containsEntry("content-type", "application/json");
    assertThat(shape(push.body())).isEqualTo(shape(sample.get("body")));
    JsonNode message = push.body().get("message");
    assertThat(Base64.getDecoder().decode(message.get("data").asText())).isEqualTo(intent);
    assertThat(message.get("attributes")).isEqualTo(sample.at("/body/message/attributes"));
    assertThat(message.get("messageId").asText()).matches("[0-9]{17}")
        .isEqualTo(message.get("message_id").asText())
        .isEqualTo(push.headers().get("ce-id"));
    assertThat(message.get("publishTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")
        .isEqualTo(message.get("publish_time").asText())
        .isEqualTo(push.headers().get("ce-time"));
    assertThat(push.body().get("subscription").asText())
        .startsWith("projects/syncline-sandbox/subscriptions/eventarc-us-east4-syncline-intents-sub-");
  }

  @Test
  void deliver_keepsTheMessage_andCountsTheAttempt_whenItRedelivers() throws Exception {
    // GIVEN a first attempt the function refuses
    byte[] intent = Intents.write("i-2", "user/42", Intents.ops(Intents.incr("n", 1)));
    answers.add(500);
    assertThat(target.deliver(intent, 1)).isEqualTo(500);
    Push first = next();

    // WHEN the bus redelivers it
    int status = target.deliver(intent, 2);

    // THEN it is the same message, with its delivery attempt
    assertThat(status).isEqualTo(204);
    Push second = next();
    assertThat(second.headers().get("ce-id")).isEqualTo(first.headers().get("ce-id"));
    assertThat(second.headers().get("ce-time")).isEqualTo(first.headers().get("ce-time"));
    assertThat(second.body().get("message")).isEqualTo(first.body().get("message"));
    assertThat(first.body().has("deliveryAttempt")).isFalse();
    assertThat(second.body().get("deliveryAttempt").asInt()).isEqualTo(2);
  }

  @Test
  void deliver_publishesANewMessage_whenTheSameBytesArriveAfterAnAcknowledgement() throws Exception {
    // GIVEN an intent delivered and acknowledged
    byte[] intent = Intents.write("i-3", "user/42", Intents.ops(Intents.incr("n", 1)));
    target.deliver(intent, 1);
    String firstId = next().headers().get("ce-id");

    // WHEN the same intent is published again
    target.deliver(intent.clone(), 1);

    // THEN it is another message
    assertThat(next().headers().get("ce-id")).isNotEqualTo(firstId);
  }

  @Test
  void deliver_throwsIOException_whenTheFunctionIsUnreachable() {
    EventarcPubSubTarget nowhere = new EventarcPubSubTarget(http, URI.create("http://127.0.0.1:" + Http.freePort() + "/"),
        "syncline-sandbox", "us-east4", Duration.ofHours(1));

    assertThatThrownBy(() -> nowhere.deliver(Intents.write("i-4", "user/42", Intents.ops(Intents.incr("n", 1))), 1))
        .isInstanceOf(IOException.class);
  }
}
