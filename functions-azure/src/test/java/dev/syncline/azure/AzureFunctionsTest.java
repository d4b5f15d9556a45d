package dev.syncline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.functions.HttpMethod;
import dev.syncline.azure.tables.Azurite;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.http.WebhookSignature;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import dev.syncline.core.contract.HostileRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The three functions on real payloads, against Azure Table Storage as emulated by Azurite. */
class AzureFunctionsTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static final long NOW = 1_764_158_400_000L;

  private final AtomicLong time = new AtomicLong(NOW);
  private final TableServiceClient service = Azurite.get().service;
  private final List<String> metricLines = new CopyOnWriteArrayList<>();
  private String deadLetters;
  private AzureReplica replica;

  @BeforeEach
  void replicaOnFreshTables() {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String records = "records" + suffix;
    String dedupe = "dedupe" + suffix;
    deadLetters = "dead" + suffix;
    service.createTable(records);
    service.createTable(dedupe);
    service.createTable(deadLetters);
    AzureConfig config = AzureConfig.from(Map.of(
        "SYNCLINE_REPLICA_ID", "azure-eastus",
        "SYNCLINE_STORAGE_CONNECTION", Azurite.get().connectionString,
        "SYNCLINE_RECORDS_TABLE", records,
        "SYNCLINE_DEDUPE_TABLE", dedupe,
        "SYNCLINE_DEAD_LETTERS_TABLE", deadLetters,
        "SYNCLINE_PEERS", "gcp-us-east4=http://127.0.0.1:9",
        "SYNCLINE_SECRETS", SECRET + ",gcp-us-east4=" + SECRET.replace("MDEy", "OTk5"),
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    replica = AzureReplica.create(config, time::get, service, metricLines::add);
  }

  private static String sampleEvent() throws Exception {
    try (InputStream in = AzureFunctionsTest.class.getClassLoader().getResourceAsStream("golden/eventgrid-intent.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private FakeHttp.Response http(HttpMethod method, String path, Map<String, String> headers, byte[] body) {
    FakeHttp.Request request = new FakeHttp.Request(method, URI.create("https://syncline-azure.azurewebsites.net" + path),
        headers, Optional.ofNullable(body));
    return (FakeHttp.Response) new HttpIngressFunction(replica).run(request, null);
  }

  private Map<String, String> signed(String id, byte[] body) {
    long ts = time.get() / 1000;
    return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(ts),
        "webhook-signature", WebhookSignature.sign(SECRET, id, ts, body));
  }

  /** A GET is signed over {@code GET <path-and-query>} (DESIGN section 6). */
  private Map<String, String> signedGet(String path) {
    return signed("get-" + path, ("GET " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private JsonNode view(String subject) throws Exception {
    FakeHttp.Response r = http(HttpMethod.GET, "/records/" + subject, signedGet("/records/" + subject), null);
    assertThat(r.getStatusCode()).isEqualTo(200);
    return JSON.readTree(r.bodyText());
  }

  private int status(String subject) {
    return http(HttpMethod.GET, "/records/" + subject, signedGet("/records/" + subject), null).getStatusCode();
  }

  private long deadLetterCount() {
    return service.getTableClient(deadLetters).listEntities().stream().count();
  }

  @Test
  void eventGrid_appliesTheSampleIntent() throws Exception {
    new EventGridIntentFunction(replica).run(sampleEvent(), null);

    assertThat(view("user/42").get("fields").get("phone").asText()).isEqualTo("+1-202-555-0143");
  }

  @Test
  void eventGrid_ignoresADuplicate() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(sampleEvent());
    tree.set("data", JSON.readTree("{\"ops\":[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]}"));
    String counting = JSON.writeValueAsString(tree);

    new EventGridIntentFunction(replica).run(counting, null);
    new EventGridIntentFunction(replica).run(counting, null);

    assertThat(view("user/42").get("fields").get("n").asLong()).isEqualTo(1);
  }

  @Test
  void eventGrid_deadLettersAMalformedIntent_andAcknowledgesIt() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(sampleEvent());
    tree.set("data", JSON.readTree("{\"ops\":[{\"op\":\"set\",\"field\":\"phone\"}]}"));

    new EventGridIntentFunction(replica).run(JSON.writeValueAsString(tree), null);

    assertThat(deadLetterCount()).isEqualTo(1);
    assertThat(status("user/42")).isEqualTo(404);
  }

  @Test
  void drain_backsOffFromAnUnreachablePeer_andKeepsTheChange() throws Exception {
    new EventGridIntentFunction(replica).run(sampleEvent(), null);

    new OutboxDrainFunction(replica).run("{}", null);

    assertThat(replica.drain.drainPending(10).pending()).isEqualTo(1);
  }

  @Test
  void ingress_appliesASignedChange_andServesTheView() throws Exception {
    var delta = Samples.userState("gcp-us-east4", "g@gcp", NOW);
    var wire = ChangeEvents.toStructured(ChangeEvents.build("gcp-us-east4", Samples.USER_42, "user/42@1", NOW, delta, null));
    Map<String, String> headers = new HashMap<>(signed("user/42@1", wire.body()));
    headers.put("content-type", "application/cloudevents+json");

    FakeHttp.Response r = http(HttpMethod.POST, "/events", headers, wire.body());

    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("{\"outcome\":\"applied\"}");
    assertThat(view("user/42").get("fields").get("email").asText()).isEqualTo("g@gcp");
  }

  /** The JSON of each metric line logged so far whose metric is {@code name}. */
  private List<JsonNode> metric(String name) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (String line : metricLines) {
      assertThat(line).startsWith(AppInsightsTraceFormat.PREFIX);
      JsonNode json = JSON.readTree(line.substring(16));
      if (json.get("name").asText().equals(name)) {
        found.add(json);
      }
    }
    return found;
  }

  @Test
  void eventGrid_logsIntentsApplied() throws Exception {
    new EventGridIntentFunction(replica).run(sampleEvent(), null);

    assertThat(metric("IntentsApplied")).singleElement().satisfies(m -> {
      assertThat(m.get("value").asLong()).isEqualTo(1);
      assertThat(m.get("replicaId").asText()).isEqualTo("azure-eastus");
    });
  }

  @Test
  void eventGrid_logsDeadLetters_forAMalformedIntent() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(sampleEvent());
    tree.set("data", JSON.readTree("{\"ops\":[{\"op\":\"set\",\"field\":\"phone\"}]}"));

    new EventGridIntentFunction(replica).run(JSON.writeValueAsString(tree), null);

    assertThat(metric("DeadLetters")).singleElement().satisfies(m -> assertThat(m.get("value").asLong()).isEqualTo(1));
  }

  @Test
  void drain_logsOutboxPendingAndOutboxAge() throws Exception {
    new EventGridIntentFunction(replica).run(sampleEvent(), null);
    time.addAndGet(5_000);

    new OutboxDrainFunction(replica).run("{}", null);

    assertThat(metric("OutboxPending")).singleElement().satisfies(m -> assertThat(m.get("value").asLong()).isEqualTo(1));
    assertThat(metric("OutboxAge")).singleElement().satisfies(m -> {
      assertThat(m.get("value").asLong()).isEqualTo(5_000);
      assertThat(m.get("unit").asText()).isEqualTo("Milliseconds");
    });
  }

  @Test
  void ingress_logsTheMergedChange_andItsReplicationLag() throws Exception {
    var delta = Samples.userState("gcp-us-east4", "g@gcp", NOW);
    var wire = ChangeEvents.toStructured(ChangeEvents.build("gcp-us-east4", Samples.USER_42, "user/42@1", NOW, delta, null));
    Map<String, String> headers = new HashMap<>(signed("user/42@1", wire.body()));
    headers.put("content-type", "application/cloudevents+json");
    time.addAndGet(250);

    http(HttpMethod.POST, "/events", headers, wire.body());

    assertThat(metric("ChangesMerged")).singleElement().satisfies(m -> assertThat(m.get("value").asLong()).isEqualTo(1));
    assertThat(metric("ReplicationLag")).singleElement().satisfies(m -> assertThat(m.get("value").asLong()).isEqualTo(250));
  }

  @Test
  void ingress_answersTheHandshake() {
    FakeHttp.Response r = http(HttpMethod.OPTIONS, "/events", Map.of("WebHook-Request-Origin", "eventgrid.azure.net"), null);

    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeader("WebHook-Allowed-Origin")).isEqualTo("eventgrid.azure.net");
  }

  static java.util.List<HostileRequests.Case> hostile() {
    return HostileRequests.all(SECRET, NOW);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void ingress_refusesBadRequests_withProblemJson_andChangesNothing(HostileRequests.Case bad) throws Exception {
    FakeHttp.Response r = http(HttpMethod.POST, "/events", bad.headers(), bad.body());

    assertThat(r.getStatusCode()).isEqualTo(bad.status());
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(JSON.readTree(r.bodyText()).get("status").asInt()).isEqualTo(bad.status());
    assertThat(status("user/42")).isEqualTo(404);
  }
}
