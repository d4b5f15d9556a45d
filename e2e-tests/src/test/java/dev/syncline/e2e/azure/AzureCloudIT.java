package dev.syncline.e2e.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.syncline.e2e.SharedSandbox;
import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Emulators;
import dev.syncline.e2e.sandbox.IngressClient;
import dev.syncline.e2e.sandbox.Intents;
import dev.syncline.e2e.sandbox.Layout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged Azure function app hosted by {@link AzureFunctionsHost} in its own JVM, on Azurite:
 * Event Grid deliveries, the HTTP ingress through the host, the drain through the admin API, and
 * hosts that cannot start or whose functions fail.
 */
class AzureCloudIT {

  private static final String REPLICA = "azure-eastus";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static Layout layout;
  private static Emulators emulators;
  private static String secret;
  private static AzureCloud cloud;
  private static IngressClient ingress;

  @BeforeAll
  static void startTheCloud() {
    SharedSandbox.close(); // not to share the machine with its schedules
    layout = Layout.detect();
    emulators = Emulators.start(layout);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    long start = System.nanoTime();
    cloud = AzureCloud.start(spec(env()));
    System.out.printf("AzureCloud.start: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    ingress = new IngressClient(cloud.ingress(), secret, null);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.close();
    }
    if (emulators != null) {
      emulators.close();
    }
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(emulators.azureEnv());
    env.put("SYNCLINE_REPLICA_ID", REPLICA);
    env.put("SYNCLINE_SECRETS", secret);
    env.put("SYNCLINE_PEERS", "");
    return env;
  }

  private static CloudSpec spec(Map<String, String> env) {
    return spec("azure", env);
  }

  /** Hosts other than the shared one get names of their own, and so log files of their own. */
  private static CloudSpec spec(String name, Map<String, String> env) {
    return new CloudSpec(name, REPLICA, env, List.of("-Xmx256m"), layout);
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static JsonNode view(String entity, String id) throws IOException {
    HttpResponse<String> r = ingress.record(entity, id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Http.JSON.readTree(r.body());
  }

  private static HttpResponse<String> webhook(String method, String contentType, String body, String... headers) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(cloud.ingress().resolve(
            AzureFunctionsHost.EVENT_GRID_WEBHOOK + "?functionName=" + AzureCloud.INTENT_FUNCTION))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void busTarget_deliversAnIntent_andTheIngressServesTheRecord() throws Exception {
    byte[] intent = Intents.write(newId(), "user/42", Intents.ops(Intents.set("email", "a@b")));

    int status = cloud.busTarget().deliver(intent, 1);

    assertThat(status).isBetween(200, 299);
    JsonNode view = view("user", "42");
    assertThat(view.path("fields").path("email").asText()).isEqualTo("a@b");
    assertThat(view.path("version").has(REPLICA)).isTrue();
  }

  @Test
  void busTarget_redeliveringAnIntent_keepsTheCounterExact() throws Exception {
    String id = "counter-" + newId();
    byte[] intent = Intents.write(newId(), "user/" + id, Intents.ops(Intents.incr("logins", 1)));
    BusTarget bus = cloud.busTarget();

    int first = bus.deliver(intent, 1);
    int second = bus.deliver(intent, 2);

    assertThat(first).isBetween(200, 299);
    assertThat(second).isBetween(200, 299);
    assertThat(view("user", id).path("fields").path("logins").asLong()).isEqualTo(1);
  }

  @Test
  void busTarget_servesConcurrentDeliveries() throws Exception {
    String prefix = "many-" + newId().substring(0, 8) + "-";
    int n = 24;
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] intent = Intents.write(newId(), "user/" + prefix + i, Intents.ops(Intents.incr("n", 1)));
        sent.add(senders.submit(() -> cloud.busTarget().deliver(intent, 1)));
      }
      for (Future<Integer> f : sent) {
        assertThat(f.get()).isBetween(200, 299);
      }
    } finally {
      senders.shutdownNow();
    }
    for (int i = 0; i < n; i++) {
      assertThat(view("user", prefix + i).path("fields").path("n").asLong()).isEqualTo(1);
    }
    // Rough per-delivery latency on a warm host, for the report (not asserted: budgets are benchmarks).
    long[] millis = new long[20];
    for (int i = 0; i < millis.length; i++) {
      byte[] intent = Intents.write(newId(), "user/" + prefix + "timed", Intents.ops(Intents.incr("n", 1)));
      long start = System.nanoTime();
      assertThat(cloud.busTarget().deliver(intent, 1)).isBetween(200, 299);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    System.out.printf("Event Grid delivery on a warm host: median %d ms, max %d ms%n", millis[millis.length / 2], millis[millis.length - 1]);
  }

  @Test
  void eventGridWebhook_invokesTheFunctionOncePerEvent_inABatch() throws Exception {
    String prefix = "batch-" + newId().substring(0, 8) + "-";
    ArrayNode batch = Http.JSON.createArrayNode();
    for (int i = 0; i < 3; i++) {
      batch.add(Http.JSON.readTree(Intents.write(newId(), "user/" + prefix + i, Intents.ops(Intents.set("k", "v" + i)))));
    }

    HttpResponse<String> r = webhook("POST", "application/cloudevents-batch+json; charset=utf-8",
        Http.JSON.writeValueAsString(batch), "aeg-event-type", "Notification", "aeg-delivery-count", "0");

    assertThat(r.statusCode()).isEqualTo(202);
    for (int i = 0; i < 3; i++) {
      assertThat(view("user", prefix + i).path("fields").path("k").asText()).isEqualTo("v" + i);
    }
  }

  @Test
  void eventGridWebhook_answersTheCloudEventsHandshake() throws Exception {
    HttpResponse<String> r = webhook("OPTIONS", null, null, "WebHook-Request-Origin", "eventgrid.azure.net");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("WebHook-Allowed-Origin")).hasValue("eventgrid.azure.net");
  }

  @Test
  void eventGridWebhook_refusesAnUnknownFunction_andAMalformedBody() throws Exception {
    HttpRequest unknown = HttpRequest.newBuilder(cloud.ingress().resolve(AzureFunctionsHost.EVENT_GRID_WEBHOOK + "?functionName=Nope"))
        .header("aeg-event-type", "Notification").POST(HttpRequest.BodyPublishers.ofString("{}")).build();

    assertThat(send(unknown).statusCode()).isEqualTo(404);
    assertThat(webhook("POST", "application/cloudevents+json", "{not json", "aeg-event-type", "Notification").statusCode())
        .isEqualTo(500);
    assertThat(webhook("POST", "application/cloudevents+json", "{}").statusCode()).as("no aeg-event-type").isEqualTo(400);
  }

  @Test
  void ingress_refusesAnUnsignedRead_withProblemJson() throws Exception {
    HttpResponse<String> r = ingress.send(HttpRequest.newBuilder(cloud.ingress().resolve("/records/user/42")).GET().build());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Http.JSON.readTree(r.body()).path("status").asInt()).isEqualTo(401);
  }

  @Test
  void ingress_answersTheWebhookHandshake_throughTheHttpTrigger() throws Exception {
    HttpResponse<String> r = ingress.send(HttpRequest.newBuilder(cloud.ingress().resolve("/events"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("WebHook-Request-Origin", "peer.example.com")
        .build());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("WebHook-Allowed-Origin")).hasValue("peer.example.com");
  }

  @Test
  void ingress_answers404_forAMethodTheTriggerDoesNotAccept() throws Exception {
    HttpResponse<String> r = ingress.send(HttpRequest.newBuilder(cloud.ingress().resolve("/events"))
        .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());

    assertThat(r.statusCode()).isEqualTo(404);
  }

  @Test
  void drain_runsTheTimerFunction() throws Exception {
    cloud.drain();

    HttpResponse<String> unknown = send(HttpRequest.newBuilder(cloud.ingress().resolve(AzureFunctionsHost.ADMIN_FUNCTIONS + "Nope"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"\"}")).build());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void antiEntropy_runsTheTimerFunction() throws Exception {
    cloud.antiEntropy(); // throws unless the host answers 2xx (no peers: an empty round)
  }

  @Test
  void functionsThatThrow_answer500_soEventGridRetries_andDrainFails() throws Exception {
    Map<String, String> env = env();
    env.remove("SYNCLINE_SECRETS"); // the replica cannot be built: every invocation throws
    try (AzureCloud broken = AzureCloud.start(spec("azure-misconfigured", env))) {
      byte[] intent = Intents.write(newId(), "user/42", Intents.ops(Intents.set("email", "x@y")));

      assertThat(broken.busTarget().deliver(intent, 1)).isEqualTo(500);
      assertThatThrownBy(broken::drain).isInstanceOf(IOException.class).hasMessageContaining("500");
      assertThat(Files.readString(broken.log())).contains("Executed 'Functions.EventGridIntent' (Failed");
    }
  }

  @Test
  void start_fails_whenTheFolderIsNotAFunctionApp(@TempDir Path empty) {
    assertThatThrownBy(() -> AzureCloud.start(spec("azure-not-an-app", env()), empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not start")
        .hasMessageContaining("is not a function app folder");
  }

  @Test
  void start_fails_whenAnEntryPointDoesNotResolve(@TempDir Path app) throws Exception {
    Path packaged = layout.azureApp();
    Files.copy(packaged.resolve("host.json"), app.resolve("host.json"));
    Path jar = Files.list(packaged).filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
    Files.createDirectories(app.resolve("Broken"));
    Files.writeString(app.resolve("Broken/function.json"), """
        {"scriptFile": "%s", "entryPoint": "dev.syncline.azure.NoSuchFunction.run",
         "bindings": [{"type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "0 */1 * * * *"}]}
        """.formatted(jar.toString().replace("\\", "\\\\")));

    assertThatThrownBy(() -> AzureCloud.start(spec("azure-bad-entry-point", env()), app))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Broken (dev.syncline.azure.NoSuchFunction.run): class not found");
  }

  @Test
  void hostStatus_isRunning() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(cloud.ingress() + "/admin/host/status")).GET().build());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Http.JSON.readTree(r.body()).path("state").asText()).isEqualTo("Running");
  }
}
