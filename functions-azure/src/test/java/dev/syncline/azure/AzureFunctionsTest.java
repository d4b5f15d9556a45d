package dev.syncline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableServiceClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.ExecutionContext;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.azure.tables.Azurite;
import dev.syncline.azure.tables.TableStorageRecordStore;
import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.repair.RecordDigest;
import java.net.InetSocketAddress;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.http.WebhookSignature;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/** The four functions on real payloads, against Azure Table Storage as emulated by Azurite. */
class AzureFunctionsTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static final long NOW = 1_764_158_400_000L;

  private final AtomicLong time = new AtomicLong(NOW);
  private final TableServiceClient service = Azurite.get().service;
  private final List<String> metricLines = new CopyOnWriteArrayList<>();
  private String deadLetters;
  private String dedupe;
  private AzureReplica replica;

  @BeforeEach
  void replicaOnFreshTables() {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String records = "records" + suffix;
    dedupe = "dedupe" + suffix;
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
  void drain_sweepsDedupeEntries_onlyOnceTheyAreExpired() throws Exception {
    // GIVEN an applied intent, whose dedupe entry lives for the 7-day TTL (Table Storage has no TTL)
    new EventGridIntentFunction(replica).run(sampleEvent(), null);
    long ttl = Duration.ofDays(7).toMillis();

    // WHEN the drain runs just before the entry expires, and when it expires
    time.addAndGet(ttl - 1);
    new OutboxDrainFunction(replica).run("{}", null);
    long before = service.getTableClient(dedupe).listEntities().stream().count();
    time.addAndGet(1);
    new OutboxDrainFunction(replica).run("{}", null);
    long after = service.getTableClient(dedupe).listEntities().stream().count();

    // THEN only the second run deletes it
    assertThat(before).isEqualTo(1);
    assertThat(after).isZero();
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

  // ---- anti-entropy and dead letters ----------------------------------------------------------

  /** A function's context whose logger keeps what it is given. */
  private static ExecutionContext context(List<String> lines) {
    Logger logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    logger.setLevel(Level.ALL);
    logger.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    return new ExecutionContext() {
      @Override
      public Logger getLogger() {
        return logger;
      }

      @Override
      public String getInvocationId() {
        return "test";
      }

      @Override
      public String getFunctionName() {
        return "AntiEntropy";
      }
    };
  }

  /** The JSON of the function's one summary line, which starts with {@code anti-entropy }. */
  private static JsonNode summary(List<String> lines) throws Exception {
    List<String> summaries = lines.stream().filter(l -> l.startsWith("anti-entropy {")).toList();
    assertThat(summaries).hasSize(1);
    return JSON.readTree(summaries.get(0).substring("anti-entropy ".length()));
  }

  @Test
  void antiEntropy_logsASummary_namingAPeerThatDidNotAnswer_andTheExchangeMetric() throws Exception {
    List<String> lines = new ArrayList<>();

    new AntiEntropyFunction(replica).run("{}", context(lines));

    JsonNode s = summary(lines);
    assertThat(s.get("firstBucket").asInt()).isEqualTo(replica.antiEntropy.windowStart(NOW));
    assertThat(s.get("buckets").asInt()).isEqualTo(64);
    assertThat(s.get("exchanges").asInt()).isEqualTo(1);
    assertThat(s.get("unreachable")).extracting(JsonNode::asText).containsExactly("gcp-us-east4");
    assertThat(s.get("pulled").asInt()).isZero();
    assertThat(metric("AntiEntropyExchanges")).singleElement().satisfies(m -> assertThat(m.get("value").asLong()).isEqualTo(1));
  }

  /** A replica on fresh tables, its only peer {@code peer} at {@code peerUrl}; returns it and its records table. */
  private record Wired(AzureReplica replica, RecordStore records) {}

  private Wired wire(String id, String ownSecret, String peer, String peerUrl, String peerSecret, Map<String, String> extra) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, String> env = new HashMap<>(Map.of(
        "SYNCLINE_REPLICA_ID", id,
        "SYNCLINE_STORAGE_CONNECTION", Azurite.get().connectionString,
        "SYNCLINE_RECORDS_TABLE", "records" + suffix,
        "SYNCLINE_DEDUPE_TABLE", "dedupe" + suffix,
        "SYNCLINE_DEAD_LETTERS_TABLE", "dead" + suffix,
        "SYNCLINE_PEERS", peer + "=" + peerUrl,
        "SYNCLINE_SECRETS", ownSecret + "," + peer + "=" + peerSecret,
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    env.putAll(extra);
    for (String table : List.of("records", "dedupe", "dead")) {
      service.createTable(table + suffix);
    }
    AzureReplica r = AzureReplica.create(AzureConfig.from(env), time::get, service, metricLines::add);
    return new Wired(r, new TableStorageRecordStore(service.getTableClient("records" + suffix)));
  }

  /** Serves {@code target}'s HTTP ingress function on a loopback port, as the Functions host would. */
  private static HttpServer serve(java.util.function.Supplier<AzureReplica> target) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      Map<String, String> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      FakeHttp.Request request = new FakeHttp.Request(HttpMethod.valueOf(exchange.getRequestMethod()),
          URI.create("http://127.0.0.1" + exchange.getRequestURI()), headers,
          body.length == 0 ? Optional.empty() : Optional.of(body));
      FakeHttp.Response response = (FakeHttp.Response) new HttpIngressFunction(target.get()).run(request, null);
      byte[] out = response.body() == null ? new byte[0] : (byte[]) response.body();
      response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      exchange.sendResponseHeaders(response.getStatusCode(), out.length == 0 ? -1 : out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
    return server;
  }

  /** The first of {@code prefix-0, prefix-1, ...} whose bucket is in the window a round at {@code NOW} compares. */
  private RecordKey keyInTodaysWindow(String prefix) {
    int first = replica.antiEntropy.windowStart(NOW);
    for (int i = 0; ; i++) {
      RecordKey k = new RecordKey("user", prefix + "-" + i);
      int b = RecordDigest.bucket(k);
      if (b >= first && b < first + 64) {
        return k;
      }
    }
  }

  private static RecordState stateOf(RecordStore store, RecordKey key) {
    return store.load(key).map(v -> v.record().state()).orElse(RecordState.EMPTY);
  }

  @Test
  void antiEntropy_repairsBothWays_overThePeersHttpIngress() throws Exception {
    // GIVEN two Azure replicas, the west one served over HTTP, each holding a record the other lacks
    String east = SECRET;
    String west = SECRET.replace("MDEy", "OTk5");
    AzureReplica[] westReplica = new AzureReplica[1];
    HttpServer server = serve(() -> westReplica[0]);
    try {
      String westUrl = "http://127.0.0.1:" + server.getAddress().getPort();
      Wired a = wire("azure-eastus", east, "azure-westus", westUrl, west, Map.of());
      Wired b = wire("azure-westus", west, "azure-eastus", "http://127.0.0.1:9", east, Map.of());
      westReplica[0] = b.replica();
      RecordKey onlyEast = keyInTodaysWindow("east");
      RecordKey onlyWest = keyInTodaysWindow("west");
      a.records().write(onlyEast, StoredRecord.EMPTY.withState(Samples.userState("azure-eastus", "e@x", NOW)), 0);
      b.records().write(onlyWest, StoredRecord.EMPTY.withState(Samples.userState("azure-westus", "w@x", NOW)), 0);

      // WHEN the east replica's timer fires
      List<String> lines = new ArrayList<>();
      new AntiEntropyFunction(a.replica()).run("{}", context(lines));

      // THEN each record is at both, with equal states
      JsonNode s = summary(lines);
      assertThat(s.get("unreachable")).isEmpty();
      assertThat(s.get("keysDiffering").asInt()).isEqualTo(2);
      assertThat(s.get("pulled").asInt()).isEqualTo(1);
      assertThat(s.get("pushed").asInt()).isEqualTo(1);
      assertThat(s.get("failed").asInt()).isZero();
      for (RecordKey k : List.of(onlyEast, onlyWest)) {
        assertThat(stateOf(a.records(), k).isEmpty()).as("%s at east", k).isFalse();
        assertThat(RecordDigest.of(k, stateOf(b.records(), k))).as(k.toString()).isEqualTo(RecordDigest.of(k, stateOf(a.records(), k)));
      }
      assertThat(metric("Repaired")).hasSize(2);

      // AND the next round finds nothing to repair
      List<String> again = new ArrayList<>();
      new AntiEntropyFunction(a.replica()).run("{}", context(again));
      assertThat(summary(again).get("bucketsDiffering").asInt()).isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void antiEntropy_runsOnlyOnTheTickThatOpensAPeriod() throws Exception {
    Wired a = wire("azure-eastus", SECRET, "gcp-us-east4", "http://127.0.0.1:9", SECRET.replace("MDEy", "OTk5"),
        Map.of("SYNCLINE_ANTI_ENTROPY_PERIOD", "PT5M", "SYNCLINE_ANTI_ENTROPY_REPAIRS", "10"));
    assertThat(a.replica().antiEntropy.settings().repairsPerRound()).isEqualTo(10);
    List<String> lines = new ArrayList<>();

    time.set(NOW + 60_000); // the second tick of a 5-minute period (NOW is a multiple of 5 minutes)
    new AntiEntropyFunction(a.replica()).run("{}", context(lines));
    assertThat(lines).noneMatch(l -> l.startsWith("anti-entropy {"));

    time.set(NOW + 300_000 + 2_000); // the tick that opens the next one, 2 s late
    new AntiEntropyFunction(a.replica()).run("{}", context(lines));
    assertThat(summary(lines).get("firstBucket").asInt()).isEqualTo(a.replica().antiEntropy.windowStart(NOW + 300_000));
  }

  @Test
  void ingress_listsTheDeadLetters_andReplaysOneById() throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(sampleEvent());
    tree.set("data", JSON.readTree("{\"ops\":[{\"op\":\"set\",\"field\":\"phone\"}]}"));
    new EventGridIntentFunction(replica).run(JSON.writeValueAsString(tree), null);

    FakeHttp.Response listed = http(HttpMethod.GET, "/admin/dead-letters", signedGet("/admin/dead-letters"), null);

    assertThat(listed.getStatusCode()).isEqualTo(200);
    JsonNode group = JSON.readTree(listed.bodyText()).get("groups").get(0);
    assertThat(group.get("kind").asText()).isEqualTo("INTENT");
    assertThat(group.get("count").asInt()).isEqualTo(1);
    String id = group.get("letters").get(0).get("id").asText();

    byte[] replay = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(signed("replay-1", replay));
    headers.put("content-type", "application/json");
    FakeHttp.Response replayed = http(HttpMethod.POST, "/admin/dead-letters/replay", headers, replay);

    assertThat(replayed.getStatusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(replayed.bodyText()).get("replayed").get(0);
    assertThat(result.get("id").asText()).isEqualTo(id);
    assertThat(result.get("outcome").asText()).isEqualTo("refused"); // still malformed
  }
}
