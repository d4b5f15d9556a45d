package dev.syncline.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.core.RecordKey;
import dev.syncline.core.Replica;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.repair.RecordDigest;
import dev.syncline.gcp.bigtable.BigtableDeadLetterSink;
import dev.syncline.gcp.bigtable.BigtableDedupeStore;
import dev.syncline.gcp.bigtable.BigtableEmulator;
import dev.syncline.gcp.bigtable.BigtableRecordStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The anti-entropy function of one replica on the Bigtable emulator, against a second replica on
 * its own tables whose ingress answers over HTTP on loopback: both wired by {@link GcpReplica}
 * from environment variables, as Cloud Functions runs them.
 */
class AntiEntropyFunctionTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final String EAST = "gcp-us-east4";
  private static final String WEST = "gcp-us-west1";
  private static final String EAST_SECRET = secret('e');
  private static final String WEST_SECRET = secret('w');
  private static final long START = 1_764_158_400_000L;

  private final BigtableEmulator emulator = BigtableEmulator.get();
  private final AtomicLong time = new AtomicLong(START);
  private final List<HttpServer> servers = new ArrayList<>();

  private static String secret(char c) {
    return "whsec_" + Base64.getEncoder().encodeToString(String.valueOf(c).repeat(32).getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  /** A replica on fresh tables, configured as Terraform configures one. */
  private Node node(String id, String secrets, String peers, Map<String, String> more) {
    String records = BigtableEmulator.uniqueTable("records");
    String dedupe = BigtableEmulator.uniqueTable("dedupe");
    String dead = BigtableEmulator.uniqueTable("dead");
    BigtableRecordStore.createTable(emulator.admin, records);
    BigtableDedupeStore.createTable(emulator.admin, dedupe, Duration.ofDays(8));
    BigtableDeadLetterSink.createTable(emulator.admin, dead);
    Map<String, String> env = new HashMap<>(Map.of(
        "SYNCLINE_REPLICA_ID", id,
        "SYNCLINE_BIGTABLE_PROJECT", BigtableEmulator.PROJECT,
        "SYNCLINE_BIGTABLE_INSTANCE", BigtableEmulator.INSTANCE,
        "SYNCLINE_RECORDS_TABLE", records,
        "SYNCLINE_DEDUPE_TABLE", dedupe,
        "SYNCLINE_DEAD_LETTERS_TABLE", dead,
        "SYNCLINE_PEERS", peers,
        "SYNCLINE_SECRETS", secrets,
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    env.putAll(more);
    List<String> metricLines = new CopyOnWriteArrayList<>();
    Replica replica = GcpReplica.create(GcpConfig.from(env), time::get, emulator.data, metricLines::add);
    return new Node(replica, new BigtableRecordStore(emulator.data, records), metricLines);
  }

  private record Node(Replica replica, BigtableRecordStore records, List<String> metricLines) {}

  /** Serves {@code node}'s ingress on loopback; returns its URL. */
  private String serve(Node node) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      Map<String, String> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      String query = exchange.getRequestURI().getRawQuery();
      String target = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
      HttpResponse answer = node.replica().ingress.handle(new HttpRequest(exchange.getRequestMethod(), target, target, headers, body));
      answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
      exchange.close();
    });
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static List<RecordKey> keysInBucket(int bucket, int n) {
    List<RecordKey> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      RecordKey k = new RecordKey("user", "ae-" + i);
      if (RecordDigest.bucket(k) == bucket) {
        out.add(k);
      }
    }
    return out;
  }

  /** Sets the clock to the first minute from now whose round's window holds {@code bucket}. */
  private void clockToWindowOf(Replica replica, int bucket) {
    int start = bucket - bucket % replica.antiEntropy.settings().bucketsPerRound();
    while (replica.antiEntropy.windowStart(time.get()) != start) {
      time.addAndGet(60_000);
    }
  }

  @Test
  void aRound_pullsWhatOnlyThePeerHas_pushesWhatOnlyThisReplicaHas_andAnswersItsSummary() throws Exception {
    Node west = node(WEST, WEST_SECRET + "," + EAST + "=" + EAST_SECRET, EAST + "=http://127.0.0.1:9", Map.of());
    Node east = node(EAST, EAST_SECRET + "," + WEST + "=" + WEST_SECRET, WEST + "=" + serve(west), Map.of());
    List<RecordKey> keys = keysInBucket(517, 2);
    RecordKey onlyEast = keys.get(0);
    RecordKey onlyWest = keys.get(1);
    StoredRecord eastRecord = Samples.storedRecord(EAST, "east@x", List.of());
    StoredRecord westRecord = Samples.storedRecord(WEST, "west@x", List.of());
    east.records().write(onlyEast, eastRecord, 0);
    west.records().write(onlyWest, westRecord, 0);
    clockToWindowOf(east.replica(), 517);
    List<String> log = new ArrayList<>();

    Answer first = call(new AntiEntropyFunction(east.replica(), log::add));

    assertThat(first.status).isEqualTo(200);
    assertThat(first.contentType).isEqualTo("application/json");
    assertThat(first.body.get("exchanges").asInt()).isEqualTo(1);
    assertThat(first.body.get("unreachable")).isEmpty();
    assertThat(first.body.get("bucketsDiffering").asInt()).isEqualTo(1);
    assertThat(first.body.get("keysDiffering").asInt()).isEqualTo(2);
    assertThat(first.body.get("pulled").asInt()).isEqualTo(1);
    assertThat(first.body.get("pushed").asInt()).isEqualTo(1);
    assertThat(first.body.get("failed").asInt()).isZero();
    assertThat(first.body.get("bytesSent").asLong()).isPositive();
    assertThat(east.records().load(onlyWest).orElseThrow().record().state()).isEqualTo(westRecord.state());
    assertThat(west.records().load(onlyEast).orElseThrow().record().state()).isEqualTo(eastRecord.state());
    assertThat(log).singleElement().satisfies(line -> {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.get("severity").asText()).isEqualTo("INFO");
      assertThat(entry.get("message").asText()).startsWith("syncline anti-entropy round {\"firstBucket\":").contains("\"exchanges\":1,");
      assertThat(entry.get("syncline_anti_entropy")).isEqualTo(first.body);
    });
    assertThat(east.metricLines()).anySatisfy(l -> assertThat(l).contains("\"syncline_metric\":\"AntiEntropyExchanges\""));
    assertThat(east.metricLines()).anySatisfy(l -> assertThat(l).contains("\"syncline_metric\":\"Repaired\""));

    Answer again = call(new AntiEntropyFunction(east.replica(), log::add));

    assertThat(again.body.get("bucketsDiffering").asInt()).isZero();
    assertThat(again.body.get("keysDiffering").asInt()).isZero();
    assertThat(again.body.get("pulled").asInt() + again.body.get("pushed").asInt()).isZero();
  }

  @Test
  void aRound_repairsAtMostTheConfiguredNumberOfRecords() throws Exception {
    Node west = node(WEST, WEST_SECRET + "," + EAST + "=" + EAST_SECRET, EAST + "=http://127.0.0.1:9", Map.of());
    Node east = node(EAST, EAST_SECRET + "," + WEST + "=" + WEST_SECRET, WEST + "=" + serve(west),
        Map.of("SYNCLINE_ANTI_ENTROPY_REPAIRS", "2", "SYNCLINE_ANTI_ENTROPY_PERIOD", "PT5M"));
    for (RecordKey k : keysInBucket(3, 5)) {
      east.records().write(k, Samples.storedRecord(EAST, k.id() + "@x", List.of()), 0);
    }
    assertThat(east.replica().antiEntropy.settings().roundPeriod()).isEqualTo(Duration.ofMinutes(5));
    clockToWindowOf(east.replica(), 3);

    Answer r = call(new AntiEntropyFunction(east.replica(), line -> {}));

    assertThat(r.body.get("keysDiffering").asInt()).isEqualTo(5);
    assertThat(r.body.get("pushed").asInt()).isEqualTo(2);
  }

  @Test
  void aRound_namesAPeerItCouldNotReach_andLogsAWarning() throws Exception {
    Node east = node(EAST, EAST_SECRET + "," + WEST + "=" + WEST_SECRET, WEST + "=http://127.0.0.1:9", Map.of());
    List<String> log = new ArrayList<>();

    Answer r = call(new AntiEntropyFunction(east.replica(), log::add));

    assertThat(r.status).isEqualTo(200);
    assertThat(r.body.get("exchanges").asInt()).isEqualTo(1);
    assertThat(r.body.get("unreachable").toString()).isEqualTo("[\"" + WEST + "\"]");
    assertThat(log).singleElement().satisfies(line -> assertThat(JSON.readTree(line).get("severity").asText()).isEqualTo("WARNING"));
  }

  // ---- the Functions Framework's request and response, as Cloud Scheduler's POST ---------------

  private record Answer(int status, String contentType, JsonNode body) {}

  private static Answer call(AntiEntropyFunction function) throws Exception {
    SchedulerPost request = new SchedulerPost();
    Response response = new Response();
    function.service(request, response);
    return new Answer(response.status, response.contentType, JSON.readTree(response.body.toByteArray()));
  }

  private static final class SchedulerPost implements com.google.cloud.functions.HttpRequest {
    @Override public String getMethod() { return "POST"; }
    @Override public String getUri() { return "http://127.0.0.1/"; }
    @Override public String getPath() { return "/"; }
    @Override public Optional<String> getQuery() { return Optional.empty(); }
    @Override public Map<String, List<String>> getQueryParameters() { return Map.of(); }
    @Override public Map<String, HttpPart> getParts() { return Map.of(); }
    @Override public Optional<String> getContentType() { return Optional.empty(); }
    @Override public long getContentLength() { return 0; }
    @Override public Optional<String> getCharacterEncoding() { return Optional.empty(); }
    @Override public InputStream getInputStream() { return new ByteArrayInputStream(new byte[0]); }
    @Override public BufferedReader getReader() { return new BufferedReader(new java.io.StringReader("")); }
    @Override public Map<String, List<String>> getHeaders() { return Map.of("User-Agent", List.of("Google-Cloud-Scheduler")); }
  }

  private static final class Response implements com.google.cloud.functions.HttpResponse {
    int status = 200;
    String contentType;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final Map<String, List<String>> headers = new HashMap<>();

    @Override public void setStatusCode(int code) { status = code; }
    @Override public void setStatusCode(int code, String message) { status = code; }
    @Override public void setContentType(String type) { contentType = type; }
    @Override public Optional<String> getContentType() { return Optional.ofNullable(contentType); }
    @Override public void appendHeader(String name, String value) { headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value); }
    @Override public Map<String, List<String>> getHeaders() { return headers; }
    @Override public OutputStream getOutputStream() { return body; }
    @Override public BufferedWriter getWriter() { return new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8)); }
  }
}
