package dev.syncline.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.Intents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push request the bus target sends, checked field by field against the body a Pub/Sub push
 * subscription POSTs (Pub/Sub documentation, "Push subscriptions"), on a stand-in function that
 * answers as {@code PubSubPushIntentFunction} does.
 */
class PubSubPushTargetTest {

  /** One request the stand-in function received. */
  private record Push(String method, Map<String, String> headers, JsonNode body) {}

  private static final String SUBSCRIPTION = "projects/syncline-sandbox/subscriptions/syncline-gcp-us-east4-intents-push";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final BlockingQueue<Push> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
  private HttpServer function;
  private PubSubPushTarget target;

  @BeforeEach
  void startStandInFunction() {
    function = Http.loopbackServer("stand-in-function");
    function.createContext("/", exchange -> {
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      received.add(new Push(exchange.getRequestMethod(), headers, Http.JSON.readTree(Http.body(exchange, 1 << 20))));
      Integer status = answers.poll();
      if (status == null) {
        Http.send(exchange, 200, "application/json", "{\"outcome\":\"applied\"}".getBytes(StandardCharsets.UTF_8));
      } else {
        Http.problem(exchange, status, "The intent could not be applied now", "store unavailable");
      }
    });
    function.start();
    target = new PubSubPushTarget(http, URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/"),
        "syncline-sandbox", "gcp-us-east4", Duration.ofHours(1));
  }

  @AfterEach
  void stopStandInFunction() {
    function.stop(0);
  }

  /** The request the last delivery made; {@code deliver} returns only after the function answered it. */
  private Push next() {
    Push push = received.poll();
    assertThat(push).as("a push reached the function").isNotNull();
    return push;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void deliver_postsThePushRequestBody_fieldByFieldAsAPushSubscriptionSendsIt() throws Exception {
    // GIVEN an intent
    byte[] intent = Intents.write("i-1", "user/42", Intents.ops(Intents.set("email", "a@b")));

    // WHEN the bus delivers it for the first time
    int status = target.deliver(intent, 1);

    // THEN the function got one JSON POST without CloudEvents headers ...
    assertThat(status).isEqualTo(200);
    Push push = next();
    assertThat(push.method()).isEqualTo("POST");
    assertThat(push.headers()).containsEntry("content-type", "application/json");
    assertThat(push.headers().keySet()).noneMatch(name -> name.startsWith("ce-"));
    // ... whose body is the message, the subscription, and the first delivery attempt
    JsonNode body = push.body();
    assertThat(fieldNames(body)).containsExactlyInAnyOrder("message", "subscription", "deliveryAttempt");
    assertThat(body.get("deliveryAttempt").asInt()).isEqualTo(1);
    assertThat(body.get("subscription").asText()).isEqualTo(SUBSCRIPTION);
    JsonNode message = body.get("message");
    assertThat(fieldNames(message))
        .containsExactlyInAnyOrder("data", "attributes", "messageId", "message_id", "publishTime", "publish_time");
    assertThat(Base64.getDecoder().decode(message.get("data").asText())).isEqualTo(intent);
    assertThat(message.get("attributes")).isEqualTo(Http.JSON.readTree("{\"content-type\":\"application/cloudevents+json\"}"));
    assertThat(message.get("messageId").isTextual()).isTrue();
    assertThat(message.get("messageId").asText()).matches("[0-9]{17}").isEqualTo(message.get("message_id").asText());
    assertThat(message.get("publishTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")
        .isEqualTo(message.get("publish_time").asText());
  }

  @Test
  void deliver_keepsTheMessage_andCountsTheAttempt_whenItRedelivers() throws Exception {
    // GIVEN two first attempts the function refuses, as it does when the store is unavailable
    byte[] intent = Intents.write("i-2", "user/42", Intents.ops(Intents.incr("n", 1)));
    answers.add(503);
    answers.add(503);
    assertThat(target.deliver(intent, 1)).isEqualTo(503);
    Push first = next();
    assertThat(target.deliver(intent, 2)).isEqualTo(503);
    Push second = next();

    // WHEN the bus delivers it a third time
    int status = target.deliver(intent, 3);

    // THEN every attempt is the same message, and each carries its attempt
    assertThat(status).isEqualTo(200);
    Push third = next();
    assertThat(second.body().get("message")).isEqualTo(first.body().get("message"));
    assertThat(third.body().get("message")).isEqualTo(first.body().get("message"));
    assertThat(third.body().get("subscription")).isEqualTo(first.body().get("subscription"));
    assertThat(first.body().get("deliveryAttempt").asInt()).isEqualTo(1);
    assertThat(second.body().get("deliveryAttempt").isInt()).isTrue();
    assertThat(second.body().get("deliveryAttempt").asInt()).isEqualTo(2);
    assertThat(third.body().get("deliveryAttempt").asInt()).isEqualTo(3);
  }

  @Test
  void deliver_publishesANewMessage_whenTheSameBytesArriveAfterAnAcknowledgement() throws Exception {
    // GIVEN an intent delivered and acknowledged
    byte[] intent = Intents.write("i-3", "user/42", Intents.ops(Intents.incr("n", 1)));
    target.deliver(intent, 1);
    String firstId = next().body().at("/message/messageId").asText();

    // WHEN the same intent is published again
    target.deliver(intent.clone(), 1);

    // THEN it is another message
    assertThat(next().body().at("/message/messageId").asText()).isNotEqualTo(firstId);
  }

  @Test
  void deliver_keepsDistinctMessages_forDistinctIntentsInFlight() throws Exception {
    // GIVEN one intent the function refused
    byte[] refused = Intents.write("i-4", "user/42", Intents.ops(Intents.incr("n", 1)));
    answers.add(503);
    target.deliver(refused, 1);
    String refusedId = next().body().at("/message/messageId").asText();

    // WHEN another intent is published while the first waits for its redelivery
    target.deliver(Intents.write("i-5", "user/42", Intents.ops(Intents.incr("n", 1))), 1);

    // THEN it is another message
    assertThat(next().body().at("/message/messageId").asText()).isNotEqualTo(refusedId);
  }

  @Test
  void deliver_refusesAttemptZero() {
    assertThatThrownBy(() -> target.deliver(Intents.write("i-6", "user/42", Intents.ops(Intents.incr("n", 1))), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(received).isEmpty();
  }

  @Test
  void deliver_throwsIOException_whenTheFunctionIsUnreachable() {
    PubSubPushTarget nowhere = new PubSubPushTarget(http, URI.create("http://127.0.0.1:" + Http.freePort() + "/"),
        "syncline-sandbox", "gcp-us-east4", Duration.ofHours(1));

    assertThatThrownBy(() -> nowhere.deliver(Intents.write("i-7", "user/42", Intents.ops(Intents.incr("n", 1))), 1))
        .isInstanceOf(IOException.class);
  }
}
