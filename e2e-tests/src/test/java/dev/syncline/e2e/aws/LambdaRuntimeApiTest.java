package dev.syncline.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local Runtime API, driven by a client that speaks the protocol as the runtime interface client does. */
class LambdaRuntimeApiTest {

  private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private LambdaRuntimeApi api;

  @AfterEach
  void close() {
    if (api != null) {
      api.close();
    }
  }

  private static HttpResponse<String> next(LambdaRuntimeApi.Endpoint endpoint) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint.address() + "/2018-06-01/runtime/invocation/next"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LambdaRuntimeApi.Endpoint endpoint, String path, String body, String errorType)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + endpoint.address() + "/2018-06-01/runtime/" + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (errorType != null) {
      b.header("Lambda-Runtime-Function-Error-Type", errorType);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void invocation_isHandedToTheRuntime_withLambdasHeaders_andCompletesWithItsResponse() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});
    long before = System.currentTimeMillis();

    CompletableFuture<Invocation.Result> result = api.invoke("{\"in\":1}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> next = next(endpoint);
    String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
    HttpResponse<String> posted = post(endpoint, "invocation/" + requestId + "/response", "{\"out\":2}", null);

    assertThat(endpoint.firstPoll()).isCompleted();
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("{\"in\":1}");
    assertThat(next.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(next.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(ARN);
    assertThat(next.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow()).startsWith("Root=1-");
    assertThat(Long.parseLong(next.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow()))
        .isBetween(before + 10_000, System.currentTimeMillis() + 10_000);
    assertThat(posted.statusCode()).isEqualTo(202);
    Invocation.Result r = result.get(5, TimeUnit.SECONDS);
    assertThat(r).isInstanceOf(Invocation.Result.Response.class);
    assertThat(new String(((Invocation.Result.Response) r).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"out\":2}");
  }

  @Test
  void reportedError_completesWithTheFunctionErrorAndItsType() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});

    CompletableFuture<Invocation.Result> result = api.invoke("{}".getBytes(StandardCharsets.UTF_8));
    String requestId = next(endpoint).headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
    HttpResponse<String> posted = post(endpoint, "invocation/" + requestId + "/error",
        "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\"}", "Runtime.UserException");

    assertThat(posted.statusCode()).isEqualTo(202);
    Invocation.Result.FunctionError error = (Invocation.Result.FunctionError) result.get(5, TimeUnit.SECONDS);
    assertThat(error.errorType()).isEqualTo("Runtime.UserException");
    assertThat(error.describe()).contains("boom");
  }

  @Test
  void responseForAnUnknownRequestId_isRefused() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});

    HttpResponse<String> posted = post(endpoint, "invocation/nope/response", "{}", null);

    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body()).contains("InvalidRequestID");
  }

  @Test
  void initError_isRemembered() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});

    HttpResponse<String> posted = post(endpoint, "init/error", "{\"errorMessage\":\"no class\"}", "Runtime.BadFunctionCode");

    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(endpoint.initError()).contains("Runtime.BadFunctionCode").contains("no class");
  }

  @Test
  void invocationNobodyTakes_timesOut_andIsSkippedByTheNextPoll() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofMillis(300));

    CompletableFuture<Invocation.Result> stale = api.invoke("{\"n\":1}".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});
    api.invoke("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(next(endpoint).body()).isEqualTo("{\"n\":2}");
  }

  @Test
  void invocationThatTimesOutInFlight_isReportedForTheEnvironmentToBeReplaced() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofMillis(300));
    CompletableFuture<Invocation> timedOut = new CompletableFuture<>();
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", timedOut::complete);

    CompletableFuture<Invocation.Result> result = api.invoke("{}".getBytes(StandardCharsets.UTF_8));
    String requestId = next(endpoint).headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

    assertThat(timedOut.get(5, TimeUnit.SECONDS).requestId()).isEqualTo(requestId);
    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void abandonedEnvironment_failsItsInvocationWithRuntimeExitError() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint endpoint = api.openEndpoint("t", i -> {});

    CompletableFuture<Invocation.Result> result = api.invoke("{}".getBytes(StandardCharsets.UTF_8));
    next(endpoint);
    endpoint.abandon("the runtime exited");

    Invocation.Result.FunctionError error = (Invocation.Result.FunctionError) result.get(5, TimeUnit.SECONDS);
    assertThat(error.errorType()).isEqualTo("Runtime.ExitError");
    assertThat(error.describe()).contains("the runtime exited");
  }

  @Test
  void invocationsAreSharedByTheEnvironments_oneAtATimeEach() throws Exception {
    api = new LambdaRuntimeApi(ARN, Duration.ofSeconds(10));
    LambdaRuntimeApi.Endpoint first = api.openEndpoint("a", i -> {});
    LambdaRuntimeApi.Endpoint second = api.openEndpoint("b", i -> {});

    CompletableFuture<Invocation.Result> one = api.invoke("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    CompletableFuture<Invocation.Result> two = api.invoke("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> a = next(first);
    HttpResponse<String> b = next(second);
    post(first, "invocation/" + a.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow() + "/response", a.body(), null);
    post(second, "invocation/" + b.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow() + "/response", b.body(), null);

    assertThat(new String(((Invocation.Result.Response) one.get(5, TimeUnit.SECONDS)).payload(), StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":1}");
    assertThat(new String(((Invocation.Result.Response) two.get(5, TimeUnit.SECONDS)).payload(), StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":2}");
    assertThat(api.queued()).isZero();
  }
}
