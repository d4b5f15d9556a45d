package dev.syncline.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.cloud.functions.invoker.runner.Invoker;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.http.WebhookSignature;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableEmulator;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.syncline.core.contract.HostileRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The functions running in java-function-invoker 1.4.1, each in its own process as Cloud
 * Functions runs them, receiving real Eventarc-shaped and Pub/Sub push HTTP requests, against the
 * Bigtable emulator.
 */
class GcpFunctionsInvokerTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static final Map<Class<?>, Path> LOGS = new HashMap<>();
  private static String deadLetters;
  private static URI intent;
  private static URI ingress;
  private static URI drain;
  private static URI push;
  private static URI antiEntropy;
  /** The Cloud Run service name the ingress runs under ({@code K_SERVICE}). */
  private static final String INGRESS_SERVICE = "syncline-gcp-us-east4-ingress";

  @BeforeAll
  static void startFunctions() throws Exception {
    BigtableEmulator emulator = BigtableEmulator.get();
    String records = BigtableEmulator.uniqueTable("records");
    String dedupe = BigtableEmulator.uniqueTable("dedupe");
    deadLetters = BigtableEmulator.uniqueTable("dead");
    BigtableRecordStore.createTable(emulator.admin, records);
    BigtableDedupeStore.createTable(emulator.admin, dedupe, Duration.ofDays(8));
    BigtableDeadLetterSink.createTable(emulator.admin, deadLetters);
    Map<String, String> env = new HashMap<>(Map.of(
        "SYNCLINE_REPLICA_ID", "gcp-us-east4",
        "SYNCLINE_BIGTABLE_PROJECT", BigtableEmulator.PROJECT,
        "SYNCLINE_BIGTABLE_INSTANCE", BigtableEmulator.INSTANCE,
        "SYNCLINE_BIGTABLE_EMULATOR_PORT", Integer.toString(emulator.port),
        "SYNCLINE_RECORDS_TABLE", records,
        "SYNCLINE_DEDUPE_TABLE", dedupe,
        "SYNCLINE_DEAD_LETTERS_TABLE", deadLetters,
        "SYNCLINE_PEERS", "aws-us-east-1=http://127.0.0.1:9",
        "SYNCLINE_SECRETS", SECRET,
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    env.put("SYNCLINE_SECRETS", SECRET + ",aws-us-east-1=whsec_cGVlci1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==");
    intent = start(PubSubIntentFunction.class, "cloudevent", env);
    Map<String, String> ingressEnv = new HashMap<>(env);
    ingressEnv.put("K_SERVICE", INGRESS_SERVICE);
    ingress = start(HttpIngressFunction.class, "http", ingressEnv);
    drain = start(OutboxDrainFunction.class, "http", env);
    push = start(PubSubPushIntentFunction.class, "http", env);
    antiEntropy = start(AntiEntropyFunction.class, "http", env);
  }

  @AfterAll
  static void stopFunctions() {
    PROCESSES.forEach(Process::destroy);
  }

  /** Runs one function in its own invoker process and waits until it accepts connections. */
  private static URI start(Class<?> target, String signature, Map<String, String> env) throws Exception {
    List<String> classpath = new ArrayList<>(List.of(System.getProperty("syncline.gcp.classes")));
    try (Stream<Path> libs = Files.list(Path.of(System.getProperty("syncline.gcp.lib")))) {
      libs.forEach(lib -> classpath.add(lib.toString()));
    }
    String invokerJar = Path.of(Invoker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", invokerJar, "--classpath", String.join(File.pathSeparator, classpath),
        "--target", target.getName(), "--port", Integer.toString(port));
    pb.environment().putAll(env);
    pb.environment().put("FUNCTION_SIGNATURE_TYPE", signature);
    Path log = Files.createTempFile(target.getSimpleName(), ".log");
    LOGS.put(target, log);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    PROCESSES.add(process);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(target.getSimpleName() + " exited with " + process.exitValue());
      }
      return accepts(port);
    });
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ---- requests ---------------------------------------------------------------------------------

  private static HttpResponse<String> send(URI base, String method, String path, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An Eventarc Pub/Sub delivery carrying {@code data} with {@code attributes}, as in the sample. */
  private static HttpResponse<String> publish(byte[] data, Map<String, String> attributes) throws Exception {
    JsonNode sample;
    try (InputStream in = GcpFunctionsInvokerTest.class.getClassLoader().getResourceAsStream("eventarc-pubsub-intent.http.json")) {
      sample = JSON.readTree(in);
    }
    ObjectNode body = (ObjectNode) sample.get("body").deepCopy();
    ObjectNode message = (ObjectNode) body.get("message");
    message.put("data", Base64.getEncoder().encodeToString(data));
    message.set("attributes", JSON.valueToTree(attributes));
    String id = UUID.randomUUID().toString();
    message.put("messageId", id).put("message_id", id);
    Map<String, String> headers = new HashMap<>();
    sample.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
    headers.put("ce-id", id);
    return send(intent, "POST", "/", headers, JSON.writeValueAsBytes(body));
  }

  private static byte[] structured(String id, String subject, String ops) {
    return Samples.intentJson("/apps/test", id, subject, ops);
  }

  private static Map<String, String> signed(String id, byte[] body) {
    long ts = System.currentTimeMillis() / 1000;
    return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(ts),
        "webhook-signature", WebhookSignature.sign(SECRET, id, ts, body));
  }

  private static HttpResponse<String> get(String subject) throws Exception {
    String path = "/records/" + subject;
    return send(ingress, "GET", path, signed("get-" + UUID.randomUUID(), ("GET " + path).getBytes(StandardCharsets.UTF_8)), new byte[0]);
  }

  private static JsonNode fields(String subject) throws Exception {
    HttpResponse<String> r = get(subject);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("fields");
  }

  private static long deadLetterCount() {
    BigtableEmulator emulator = BigtableEmulator.get();
    return emulator.data.readRows(Query.create(TableId.of(deadLetters))).stream().count();
  }

  // ---- the intent function -------------------------------------------------------------------

  @Test
  void pubSub_acknowledgesTheEventarcSample() throws Exception {
    JsonNode sample;
    try (InputStream in = GcpFunctionsInvokerTest.class.getClassLoader().getResourceAsStream("eventarc-pubsub-intent.http.json")) {
      sample = JSON.readTree(in);
    }
    Map<String, String> headers = new HashMap<>();
    sample.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));

    HttpResponse<String> r = send(intent, "POST", "/", headers, JSON.writeValueAsBytes(sample.get("body")));

    assertThat(r.statusCode()).isBetween(200, 299);
  }

  @Test
  void pubSub_appliesAStructuredIntent() throws Exception {
    String subject = "user/s-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> r = publish(structured("i-" + subject, subject,
        "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"ada@example.com\"}]"), Map.of("content-type", "application/cloudevents+json"));

    assertThat(r.statusCode()).isBetween(200, 299);
    assertThat(fields(subject).get("email").asText()).isEqualTo("ada@example.com");
  }

  @Test
  void pubSub_appliesABinaryModeIntent_fromCeAttributes() throws Exception {
    String subject = "user/b-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> attributes = Map.of("ce-specversion", "1.0", "ce-type", "dev.syncline.record.write.v1",
        "ce-source", "/apps/test", "ce-id", "b-" + subject, "ce-subject", subject, "content-type", "application/json");

    HttpResponse<String> r = publish("{\"ops\":[{\"op\":\"add\",\"field\":\"tags\",\"value\":\"x\"}]}".getBytes(StandardCharsets.UTF_8), attributes);

    assertThat(r.statusCode()).isBetween(200, 299);
    assertThat(fields(subject).get("tags").toString()).isEqualTo("[\"x\"]");
  }

  @Test
  void pubSub_ignoresADuplicate() throws Exception {
    String subject = "user/d-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] event = structured("dup-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");

    publish(event, Map.of());
    publish(event, Map.of());

    assertThat(fields(subject).get("n").asLong()).isEqualTo(1);
  }

  @Test
  void pubSub_deadLettersAMalformedIntent_andAcknowledgesIt() throws Exception {
    long before = deadLetterCount();
    String subject = "user/m-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> r = publish(structured("m-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":\"one\"}]"), Map.of());

    assertThat(r.statusCode()).isBetween(200, 299);
    assertThat(deadLetterCount()).isEqualTo(before + 1);
    assertThat(get(subject).statusCode()).isEqualTo(404);
  }

  // ---- the push-subscription intent function ---------------------------------------------------

  /** A Pub/Sub push subscription's POST: the message and the subscription, no ce- headers. */
  private static HttpResponse<String> push(byte[] data) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    String id = Long.toString(System.nanoTime());
    body.putObject("message")
        .put("data", Base64.getEncoder().encodeToString(data))
        .put("messageId", id)
        .put("publishTime", "2026-11-26T18:00:00.000Z")
        .putObject("attributes").put("content-type", "application/cloudevents+json");
    body.put("subscription", "projects/syncline/subscriptions/syncline-gcp-us-east4-intents-push");
    return send(push, "POST", "/", Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(body));
  }

  @Test
  void pubSubPush_appliesTheIntent_andAnswersDuplicateToARedelivery() throws Exception {
    String subject = "user/p-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] event = structured("p-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":2}]");

    HttpResponse<String> first = push(event);
    HttpResponse<String> again = push(event);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).get("outcome").asText()).isEqualTo("applied");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(fields(subject).get("n").asLong()).isEqualTo(2);
  }

  @Test
  void pubSubPush_keepsDecimalsExact() throws Exception {
    String subject = "user/x-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] event = structured("x-" + subject, subject, "[{\"op\":\"set\",\"field\":\"price\",\"value\":19.990000000000000000001}]");

    assertThat(push(event).statusCode()).isEqualTo(200);

    assertThat(get(subject).body()).contains("\"price\":19.990000000000000000001");
  }

  @Test
  void pubSubPush_acknowledgesWhatIsNotAnIntent_andDeadLettersIt() throws Exception {
    long before = deadLetterCount();

    HttpResponse<String> r = send(push, "POST", "/", Map.of("Content-Type", "application/json"),
        "{\"not\":\"a push\"".getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("outcome").asText()).isEqualTo("dead-lettered");
    assertThat(deadLetterCount()).isEqualTo(before + 1);
  }

  @Test
  void pubSubPush_refusesAnythingButPost_withProblemJson() throws Exception {
    HttpResponse<String> r = send(push, "GET", "/", Map.of(), new byte[0]);

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
  }

  // ---- the ingress and drain functions -------------------------------------------------------

  @Test
  void ingress_servesTheSamePaths_behindItsFunctionName() throws Exception {
    String subject = "user/k-" + UUID.randomUUID().toString().substring(0, 8);
    publish(structured("k-" + subject, subject, "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"k@example.com\"}]"),
        Map.of("content-type", "application/cloudevents+json"));

    // A GET's signature covers the request target as the client sent it, prefix and all.
    String prefixedPath = "/" + INGRESS_SERVICE + "/records/" + subject;
    HttpResponse<String> prefixed = send(ingress, "GET", prefixedPath,
        signed("get-" + UUID.randomUUID(), ("GET " + prefixedPath).getBytes(StandardCharsets.UTF_8)), new byte[0]);
    String otherPath = "/another-function/records/" + subject;
    HttpResponse<String> other = send(ingress, "GET", otherPath,
        signed("get-" + UUID.randomUUID(), ("GET " + otherPath).getBytes(StandardCharsets.UTF_8)), new byte[0]);

    assertThat(prefixed.statusCode()).as(prefixed.body()).isEqualTo(200);
    assertThat(JSON.readTree(prefixed.body()).get("fields").get("email").asText()).isEqualTo("k@example.com");
    assertThat(other.statusCode()).isEqualTo(404);
  }

  @Test
  void ingress_appliesASignedChange_andServesTheView() throws Exception {
    var key = new dev.syncline.core.RecordKey("user", "c-" + UUID.randomUUID().toString().substring(0, 8));
    var delta = Samples.userState("aws-us-east-1", "a@aws", 1_764_158_400_000L);
    var wire = ChangeEvents.toStructured(ChangeEvents.build("aws-us-east-1", key, key.subject() + "@1", 1_764_158_400_000L, delta, null));
    Map<String, String> headers = new HashMap<>(signed(key.subject() + "@1", wire.body()));
    headers.put("content-type", "application/cloudevents+json");

    HttpResponse<String> r = send(ingress, "POST", "/events", headers, wire.body());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"outcome\":\"applied\"}");
    assertThat(fields(key.subject()).get("email").asText()).isEqualTo("a@aws");
  }

  @Test
  void ingress_answersTheHandshake() throws Exception {
    HttpResponse<String> r = send(ingress, "OPTIONS", "/events", Map.of("WebHook-Request-Origin", "eventarc.googleapis.com"), new byte[0]);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("WebHook-Allowed-Origin")).contains("eventarc.googleapis.com");
  }

  static java.util.List<HostileRequests.Case> hostile() {
    return HostileRequests.all(SECRET, System.currentTimeMillis());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void ingress_refusesBadRequests_withProblemJson(HostileRequests.Case bad) throws Exception {
    HttpResponse<String> r = send(ingress, "POST", "/events", bad.headers(), bad.body());

    assertThat(r.statusCode()).isEqualTo(bad.status());
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(bad.status());
  }

  /** The metric entries that {@code function} has logged on stdout so far whose metric is {@code name}. */
  private static List<JsonNode> metrics(Class<?> function, String name) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    for (String line : Files.readAllLines(LOGS.get(function), StandardCharsets.UTF_8)) {
      if (line.startsWith("{\"severity\"")) {
        JsonNode entry = JSON.readTree(line);
        if (name.equals(entry.path("syncline_metric").asText())) {
          found.add(entry);
        }
      }
    }
    return found;
  }

  @Test
  void pubSub_logsIntentsApplied_asAStructuredEntry() throws Exception {
    int before = metrics(PubSubIntentFunction.class, "IntentsApplied").size();
    String subject = "user/l-" + UUID.randomUUID().toString().substring(0, 8);

    publish(structured("l-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]"), Map.of());

    // the line is printed before the function answers, so it is in the log now
    List<JsonNode> applied = metrics(PubSubIntentFunction.class, "IntentsApplied");
    assertThat(applied).hasSize(before + 1);
    assertThat(applied.get(before).get("value").asLong()).isEqualTo(1);
    assertThat(applied.get(before).get("replica_id").asText()).isEqualTo("gcp-us-east4");
    assertThat(applied.get(before).get("severity").asText()).isEqualTo("INFO");
  }

  @Test
  void drain_logsOutboxPendingAndOutboxAge_andPutsTheAgeInItsSummary() throws Exception {
    String subject = "user/a-" + UUID.randomUUID().toString().substring(0, 8);
    publish(structured("a-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]"), Map.of());
    int before = metrics(OutboxDrainFunction.class, "OutboxAge").size();

    HttpResponse<String> r = send(drain, "POST", "/", Map.of(), new byte[0]);

    assertThat(JSON.readTree(r.body()).get("outboxAgeMillis").isIntegralNumber()).isTrue();
    assertThat(metrics(OutboxDrainFunction.class, "OutboxAge")).hasSize(before + 1);
    assertThat(metrics(OutboxDrainFunction.class, "OutboxPending")).hasSize(before + 1)
        .last().satisfies(m -> assertThat(m.get("value").asLong()).isPositive());
  }

  @Test
  void drain_reportsWhatItCouldNotDeliver() throws Exception {
    String subject = "user/o-" + UUID.randomUUID().toString().substring(0, 8);
    publish(structured("o-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]"), Map.of());

    HttpResponse<String> r = send(drain, "POST", "/", Map.of(), new byte[0]);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("pending").asInt()).isPositive();
  }

  // ---- anti-entropy: the scheduled round, and the routes the ingress serves for it -------------

  @Test
  void antiEntropy_answersItsRoundsSummary_andLogsIt_naming_theUnreachablePeer() throws Exception {
    HttpResponse<String> r = send(antiEntropy, "POST", "/", Map.of(), new byte[0]);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode summary = JSON.readTree(r.body());
    assertThat(summary.get("exchanges").asInt()).isEqualTo(1);
    assertThat(summary.get("unreachable").toString()).isEqualTo("[\"aws-us-east-1\"]");
    assertThat(summary.get("failed").asInt()).isZero();
    List<JsonNode> logged = new ArrayList<>();
    for (String line : Files.readAllLines(LOGS.get(AntiEntropyFunction.class), StandardCharsets.UTF_8)) {
      if (line.startsWith("{\"severity\"") && line.contains("\"syncline_anti_entropy\"")) {
        logged.add(JSON.readTree(line));
      }
    }
    assertThat(logged).last().satisfies(entry -> {
      assertThat(entry.get("severity").asText()).isEqualTo("WARNING");
      assertThat(entry.get("syncline_anti_entropy")).isEqualTo(summary);
    });
    assertThat(metrics(AntiEntropyFunction.class, "AntiEntropyExchanges")).isNotEmpty();
  }

  @Test
  void ingress_answersADigestExchange() throws Exception {
    byte[] body = "{\"version\":1,\"buckets\":{\"17\":\"00000000000000000000000000000000\"}}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(signed("ae-" + UUID.randomUUID(), body));
    headers.put("content-type", "application/json");

    HttpResponse<String> r = send(ingress, "POST", "/anti-entropy/digests", headers, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("version").asInt()).isEqualTo(1);
  }

  @Test
  void ingress_listsTheDeadLetters_andServesARecordsStateToAPeer() throws Exception {
    String subject = "user/z-" + UUID.randomUUID().toString().substring(0, 8);
    publish(structured("z-" + subject, subject, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":\"one\"}]"), Map.of());
    String listPath = "/admin/dead-letters";

    HttpResponse<String> list = send(ingress, "GET", listPath,
        signed("dl-" + UUID.randomUUID(), ("GET " + listPath).getBytes(StandardCharsets.UTF_8)), new byte[0]);

    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.body()).contains("z-" + subject);

    String written = "user/w-" + UUID.randomUUID().toString().substring(0, 8);
    publish(structured("w-" + written, written, "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]"), Map.of());
    String statePath = "/anti-entropy/records/" + written;
    HttpResponse<String> state = send(ingress, "GET", statePath,
        signed("st-" + UUID.randomUUID(), ("GET " + statePath).getBytes(StandardCharsets.UTF_8)), new byte[0]);

    assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
  }
}
