package dev.syncline.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.net.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FunctionUrlFrontTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private FunctionUrlFront front;

  @AfterEach
  void close() {
    if (front != null) {
      front.close();
    }
  }

  private FunctionUrlFront front(Function<byte[], CompletableFuture<Invocation.Result>> function) {
    front = new FunctionUrlFront("abc123", "000000000000", "us-east-1", payload -> {
      try {
        events.add(Http.JSON.readTree(payload));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      return function.apply(payload);
    });
    return front;
  }

  private static CompletableFuture<Invocation.Result> respond(String json) {
    return CompletableFuture.completedFuture(new Invocation.Result.Response(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void request_becomesAPayloadFormat2Event_withLowerCasedHeadersCookiesAndQuery() throws Exception {
    front(p -> respond("{\"statusCode\":200,\"body\":\"ok\"}"));

    HTTP.send(HttpRequest.newBuilder(URI.create(front.uri() + "/records/user/42?a=1&a=2&b=x%20y"))
        .header("Webhook-Id", "w1").header("X-Multi", "one").header("X-Multi", "two").header("Cookie", "c1=v1; c2=v2")
        .POST(HttpRequest.BodyPublishers.ofString("{\"k\":1}")).header("Content-Type", "application/cloudevents+json").build(),
        HttpResponse.BodyHandlers.ofString());

    JsonNode event = events.get(0);
    assertThat(event.path("version").asText()).isEqualTo("2.0");
    assertThat(event.path("routeKey").asText()).isEqualTo("$default");
    assertThat(event.path("rawPath").asText()).isEqualTo("/records/user/42");
    assertThat(event.path("rawQueryString").asText()).isEqualTo("a=1&a=2&b=x%20y");
    assertThat(event.path("queryStringParameters").toString()).isEqualTo("{\"a\":\"1,2\",\"b\":\"x y\"}");
    assertThat(event.path("headers").path("webhook-id").asText()).isEqualTo("w1");
    assertThat(event.path("headers").path("x-multi").asText()).isEqualTo("one,two");
    assertThat(event.path("headers").has("cookie")).isFalse();
    assertThat(event.path("cookies").toString()).isEqualTo("[\"c1=v1\",\"c2=v2\"]");
    assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("POST");
    assertThat(event.path("requestContext").path("http").path("path").asText()).isEqualTo("/records/user/42");
    assertThat(event.path("requestContext").path("http").path("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(event.path("requestContext").path("http").path("sourceIp").asText()).isEqualTo("127.0.0.1");
    assertThat(event.path("requestContext").path("stage").asText()).isEqualTo("$default");
    assertThat(event.path("requestContext").path("domainName").asText()).isEqualTo("abc123.lambda-url.us-east-1.on.aws");
    assertThat(event.path("requestContext").path("timeEpoch").asLong()).isPositive();
    assertThat(event.path("body").asText()).isEqualTo("{\"k\":1}");
    assertThat(event.path("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void binaryBody_isBase64Encoded() throws Exception {
    front(p -> respond("{\"statusCode\":204}"));
    byte[] bytes = {(byte) 0xff, 0, 1, 2};

    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(front.uri() + "/events"))
        .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(events.get(0).path("isBase64Encoded").asBoolean()).isTrue();
    assertThat(Base64.getDecoder().decode(events.get(0).path("body").asText())).isEqualTo(bytes);
  }

  @Test
  void textTypeThatIsNotUtf8_isBase64Encoded() throws Exception {
    front(p -> respond("{\"statusCode\":200}"));
    byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);

    HTTP.send(HttpRequest.newBuilder(URI.create(front.uri() + "/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(events.get(0).path("isBase64Encoded").asBoolean()).isTrue();
  }

  @Test
  void responseObject_becomesTheHttpAnswer_withHeadersCookiesAndBase64Body() throws Exception {
    String body = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
    front(p -> respond("{\"statusCode\":201,\"headers\":{\"Content-Type\":\"text/plain\",\"X-One\":\"1\"},"
        + "\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"" + body + "\",\"isBase64Encoded\":true}"));

    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(front.uri() + "/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("hello");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
    assertThat(response.headers().firstValue("x-one")).hasValue("1");
    assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(events.get(0).has("body")).isFalse();
  }

  @Test
  void jsonWithoutStatusCode_isA200JsonAnswerOfThePayload() {
    FunctionUrlFront.Answer answer = FunctionUrlFront.response("{\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"hi\"}");
    assertThat(answer.headers()).containsExactly(Map.entry("Content-Type", "application/json"));
  }

  @Test
  void functionErrorOrTimeout_is502Problem() throws Exception {
    FunctionUrlFront.Answer error = FunctionUrlFront.answer(CompletableFuture.completedFuture(
        new Invocation.Result.FunctionError("Runtime.ExitError", "{}".getBytes(StandardCharsets.UTF_8))));
    FunctionUrlFront.Answer timeout = FunctionUrlFront.answer(CompletableFuture.failedFuture(new TimeoutException()));

    assertThat(error.status()).isEqualTo(502);
    assertThat(timeout.status()).isEqualTo(502);
    assertThat(error.headers()).containsExactly(Map.entry("Content-Type", "application/problem+json"));
    assertThat(Http.JSON.readTree(timeout.body()).path("detail").asText()).contains("timed out");
  }

  @Test
  void bodyOverSixMegabytes_is413() throws Exception {
    front(p -> respond("{\"statusCode\":200}"));

    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(front.uri() + "/events"))
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LambdaRuntimeApi.MAX_PAYLOAD_BYTES + 1])).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(events).isEmpty();
  }

  @Test
  void requests_areServedConcurrently() throws Exception {
    CountDownLatch bothArrived = new CountDownLatch(2);
    front(p -> CompletableFuture.supplyAsync(() -> {
      bothArrived.countDown();
      try {
        // each invocation answers only once both are in flight: serial handling would time out
        return bothArrived.await(10, TimeUnit.SECONDS)
            ? new Invocation.Result.Response("{\"statusCode\":200}".getBytes(StandardCharsets.UTF_8))
            : new Invocation.Result.FunctionError("Sandbox.Timedout", new byte[0]);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }));

    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      responses.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(front.uri() + "/")).GET().build(),
          HttpResponse.BodyHandlers.ofString()));
    }

    for (CompletableFuture<HttpResponse<String>> r : responses) {
      assertThat(r.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }
}
