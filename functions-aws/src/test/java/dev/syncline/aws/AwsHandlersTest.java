package dev.syncline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.Replica;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.aws.dynamodb.Dynalite;
import dev.syncline.aws.dynamodb.DynamoDbDeadLetterSink;
import dev.syncline.aws.dynamodb.DynamoDbDedupeStore;
import dev.syncline.aws.dynamodb.DynamoDbRecordStore;
import dev.syncline.core.RecordKey;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.repair.RecordDigest;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.http.WebhookSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeEach;
import dev.syncline.core.contract.HostileRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The four Lambda handlers on real envelopes, against DynamoDB as emulated by dynalite. */
class AwsHandlersTest {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private static final String PEER_SECRET = "whsec_" + Base64.getEncoder().encodeToString("peer-secret-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
  private static final long NOW = 1_764_158_400_000L;

  private final AtomicLong time = new AtomicLong(NOW);
  private final Dynalite dynalite = Dynalite.get();
  private final List<String> metricLines = new CopyOnWriteArrayList<>();
  private String deadLettersTable;
  private Replica replica;

  @BeforeEach
  void replicaOnFreshTables() {
    String records = Dynalite.uniqueTable("records");
    String dedupe = Dynalite.uniqueTable("dedupe");
    deadLettersTable = Dynalite.uniqueTable("dead-letters");
    DynamoDbRecordStore.createTable(dynalite.client, records);
    DynamoDbDedupeStore.createTable(dynalite.client, dedupe);
    DynamoDbDeadLetterSink.createTable(dynalite.client, deadLettersTable);
    AwsConfig config = AwsConfig.from(Map.of(
        "SYNCLINE_REPLICA_ID", "aws-us-east-1",
        "SYNCLINE_RECORDS_TABLE", records,
        "SYNCLINE_DEDUPE_TABLE", dedupe,
        "SYNCLINE_DEAD_LETTERS_TABLE", deadLettersTable,
        "SYNCLINE_PEERS", "gcp-us-east4=http://127.0.0.1:9",
        "SYNCLINE_SECRETS", SECRET + ",gcp-us-east4=" + PEER_SECRET,
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    replica = AwsReplica.create(config, time::get, dynalite.client, config.common().secrets().orElseThrow(), metricLines::add);
  }

  private String intent(byte[] envelope) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EventBridgeIntentHandler(replica).handleRequest(new ByteArrayInputStream(envelope), out, null);
    return JSON.readTree(out.toByteArray()).get("outcome").asText();
  }

  private static byte[] sampleEnvelope() throws Exception {
    try (InputStream in = AwsHandlersTest.class.getClassLoader().getResourceAsStream("golden/eventbridge-intent.json")) {
      return in.readAllBytes();
    }
  }

  private APIGatewayV2HTTPResponse http(String method, String path, Map<String, String> headers, byte[] body, boolean base64) {
    return new FunctionUrlIngressHandler(replica).handleRequest(event(method, path, null, headers, body, base64), null);
  }

  /** A Function URL event (payload format 2.0). */
  private static APIGatewayV2HTTPEvent event(
      String method, String path, String query, Map<String, String> headers, byte[] body, boolean base64) {
    APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
    event.setVersion("2.0");
    event.setRawPath(path);
    event.setRawQueryString(query);
    event.setHeaders(new HashMap<>(headers));
    event.setBody(base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));
    event.setIsBase64Encoded(base64);
    APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
    APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod(method);
    context.setHttp(http);
    event.setRequestContext(context);
    return event;
  }

  private Map<String, String> signed(String id, byte[] body, String secret) {
    long ts = time.get() / 1000;
    return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(ts),
        "webhook-signature", WebhookSignature.sign(secret, id, ts, body));
  }

  /** A GET is signed over {@code GET <path-and-query>} (DESIGN section 6). */
  private Map<String, String> signedGet(String path) {
    return signed("get-" + path, ("GET " + path).getBytes(StandardCharsets.UTF_8), SECRET);
  }

  private int deadLetterCount() {
    return dynalite.client.scan(b -> b.tableName(deadLettersTable)).count();
  }

  private JsonNode view(String subject) throws Exception {
    APIGatewayV2HTTPResponse r = http("GET", "/records/" + subject, signedGet("/records/" + subject), new byte[0], false);
    assertThat(r.getStatusCode()).isEqualTo(200);
    return JSON.readTree(r.getBody());
  }

  @Test
  void eventBridge_appliesTheSampleIntent() throws Exception {
    assertThat(intent(sampleEnvelope())).isEqualTo("applied");

    JsonNode view = view("user/42");
    assertThat(view.get("fields").get("email").asText()).isEqualTo("ada@example.com");
    assertThat(view.get("fields").get("logins").asLong()).isEqualTo(1);
  }

  @Test
  void eventBridge_keepsDecimalsExact_fromTheEnvelopesDetail() throws Exception {
    // GIVEN an envelope whose intent sets a price with more digits than a double holds
    String envelope = new String(sampleEnvelope(), StandardCharsets.UTF_8);
    String priced = envelope.replaceFirst("\"ops\"\\s*:\\s*\\[",
        "\"ops\":[{\"op\":\"set\",\"field\":\"price\",\"value\":19.990000000000000000001},");
    assertThat(priced).isNotEqualTo(envelope);
    // WHEN it is handled
    assertThat(intent(priced.getBytes(StandardCharsets.UTF_8))).isEqualTo("applied");
    // THEN the view shows the very number sent
    APIGatewayV2HTTPResponse r = http("GET", "/records/user/42", signedGet("/records/user/42"), new byte[0], false);
    assertThat(r.getBody()).contains("\"price\":19.990000000000000000001");
  }

  @Test
  void eventBridge_ignoresADuplicateEnvelope() throws Exception {
    intent(sampleEnvelope());

    assertThat(intent(sampleEnvelope())).isEqualTo("duplicate");
    assertThat(view("user/42").get("fields").get("logins").asLong()).isEqualTo(1);
  }

  @Test
  void eventBridge_deadLettersAMalformedIntent_andAcknowledgesIt() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(sampleEnvelope());
    ((ObjectNode) envelope.get("detail")).set("data", JSON.readTree("{\"ops\":[{\"op\":\"incr\",\"field\":\"logins\",\"by\":\"one\"}]}"));

    assertThat(intent(JSON.writeValueAsBytes(envelope))).isEqualTo("dead-lettered");
    assertThat(deadLetterCount()).isEqualTo(1);
    assertThat(http("GET", "/records/user/42", signedGet("/records/user/42"), new byte[0], false).getStatusCode()).isEqualTo(404);
  }

  @Test
  void drain_reportsTheChangeItCouldNotDeliver_andBacksOff() throws Exception {
    intent(sampleEnvelope());
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    new OutboxDrainHandler(replica).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);

    JsonNode report = JSON.readTree(out.toByteArray());
    assertThat(report.get("pending").asInt()).isEqualTo(1);
    assertThat(report.get("delivered").asInt()).isZero();
  }

  /** The EMF documents logged so far whose metric is {@code name}. */
  private List<JsonNode> emf(String name) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (String line : metricLines) {
      JsonNode doc = JSON.readTree(line);
      if (doc.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0).get("Name").asText().equals(name)) {
        found.add(doc);
      }
    }
    return found;
  }

  @Test
  void eventBridge_logsIntentsApplied_asEmf() throws Exception {
    intent(sampleEnvelope());

    assertThat(emf("IntentsApplied")).singleElement().satisfies(doc -> {
      assertThat(doc.get("ReplicaId").asText()).isEqualTo("aws-us-east-1");
      assertThat(doc.get("IntentsApplied").asLong()).isEqualTo(1);
      assertThat(doc.get("_aws").get("Timestamp").asLong()).isEqualTo(NOW);
    });
  }

  @Test
  void eventBridge_logsDeadLetters_forAMalformedIntent() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(sampleEnvelope());
    ((ObjectNode) envelope.get("detail")).set("data", JSON.readTree("{\"ops\":[{\"op\":\"incr\",\"field\":\"logins\",\"by\":\"one\"}]}"));

    intent(JSON.writeValueAsBytes(envelope));

    assertThat(emf("DeadLetters")).singleElement().satisfies(doc -> assertThat(doc.get("DeadLetters").asLong()).isEqualTo(1));
  }

  @Test
  void drain_logsOutboxPendingAndOutboxAge_andPutsTheAgeInItsSummary() throws Exception {
    intent(sampleEnvelope());
    time.addAndGet(5_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    new OutboxDrainHandler(replica).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);

    assertThat(JSON.readTree(out.toByteArray()).get("outboxAgeMillis").asLong()).isEqualTo(5_000);
    assertThat(emf("OutboxPending")).singleElement().satisfies(doc -> assertThat(doc.get("OutboxPending").asLong()).isEqualTo(1));
    assertThat(emf("OutboxAge")).singleElement().satisfies(doc -> {
      assertThat(doc.get("OutboxAge").asLong()).isEqualTo(5_000);
      assertThat(doc.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0).get("Unit").asText())
          .isEqualTo("Milliseconds");
    });
  }

  @Test
  void functionUrl_appliesASignedChange_inABase64Body_andServesTheView() throws Exception {
    var delta = Samples.userState("gcp-us-east4", "g@gcp", NOW);
    var wire = ChangeEvents.toStructured(ChangeEvents.build("gcp-us-east4", Samples.USER_42, "user/42@1", NOW, delta, null));
    Map<String, String> headers = new HashMap<>(signed("user/42@1", wire.body(), SECRET));
    headers.put("content-type", "application/cloudevents+json");

    APIGatewayV2HTTPResponse r = http("POST", "/events", headers, wire.body(), true);

    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getBody()).isEqualTo("{\"outcome\":\"applied\"}");
    assertThat(view("user/42").get("fields").get("email").asText()).isEqualTo("g@gcp");
  }

  @Test
  void functionUrl_logsTheMergedChange_andItsReplicationLag() throws Exception {
    var delta = Samples.userState("gcp-us-east4", "g@gcp", NOW);
    var wire = ChangeEvents.toStructured(ChangeEvents.build("gcp-us-east4", Samples.USER_42, "user/42@1", NOW, delta, null));
    Map<String, String> headers = new HashMap<>(signed("user/42@1", wire.body(), SECRET));
    headers.put("content-type", "application/cloudevents+json");
    time.addAndGet(250);

    http("POST", "/events", headers, wire.body(), false);

    assertThat(emf("ChangesMerged")).singleElement().satisfies(doc -> assertThat(doc.get("ChangesMerged").asLong()).isEqualTo(1));
    assertThat(emf("ReplicationLag")).singleElement().satisfies(doc -> assertThat(doc.get("ReplicationLag").asLong()).isEqualTo(250));
  }

  @Test
  void functionUrl_answersTheHandshake() {
    APIGatewayV2HTTPResponse r = http("OPTIONS", "/events", Map.of("WebHook-Request-Origin", "eventgrid.azure.net"), new byte[0], false);

    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("WebHook-Allowed-Origin", "eventgrid.azure.net");
  }

  static java.util.List<HostileRequests.Case> hostile() {
    return HostileRequests.all(SECRET, NOW);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void functionUrl_refusesBadRequests_withProblemJson_andChangesNothing(HostileRequests.Case bad) throws Exception {
    APIGatewayV2HTTPResponse r = http("POST", "/events", bad.headers(), bad.body(), false);

    assertThat(r.getStatusCode()).isEqualTo(bad.status());
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/problem+json");
    assertThat(JSON.readTree(r.getBody()).get("status").asInt()).isEqualTo(bad.status());
    assertThat(http("GET", "/records/user/42", signedGet("/records/user/42"), new byte[0], false).getStatusCode()).isEqualTo(404);
  }

  @Test
  void functionUrl_listsTheDeadLetters_fromTheTable_andReplaysOneById() throws Exception {
    // GIVEN a malformed intent in the dead-letter table
    ObjectNode envelope = (ObjectNode) JSON.readTree(sampleEnvelope());
    ((ObjectNode) envelope.get("detail")).set("data", JSON.readTree("{\"ops\":[{\"op\":\"incr\",\"field\":\"logins\",\"by\":\"one\"}]}"));
    intent(JSON.writeValueAsBytes(envelope));

    // WHEN an operator lists the dead letters through the signed admin route
    APIGatewayV2HTTPResponse listed = http("GET", "/admin/dead-letters", signedGet("/admin/dead-letters"), new byte[0], false);

    // THEN the letter is there, grouped by its reason, with the id the table gave it
    assertThat(listed.getStatusCode()).isEqualTo(200);
    JsonNode group = JSON.readTree(listed.getBody()).get("groups").get(0);
    assertThat(group.get("kind").asText()).isEqualTo("INTENT");
    assertThat(group.get("count").asInt()).isEqualTo(1);
    String id = group.get("letters").get(0).get("id").asText();
    // ... and a replay by that id finds it in the table
    byte[] replay = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>(signed("replay-1", replay, SECRET));
    headers.put("content-type", "application/json");
    APIGatewayV2HTTPResponse replayed = http("POST", "/admin/dead-letters/replay", headers, replay, false);
    assertThat(replayed.getStatusCode()).isEqualTo(200);
    assertThat(replayed.getBody()).contains(id);
  }

  private String antiEntropy(Replica on) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AntiEntropyHandler(on).handleRequest(new ByteArrayInputStream("{}".getBytes()), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void antiEntropy_reportsAnUnreachablePeer_andLogsTheExchange() throws Exception {
    intent(sampleEnvelope());

    JsonNode report = JSON.readTree(antiEntropy(replica));

    assertThat(report.get("exchanges").asInt()).isEqualTo(1);
    assertThat(report.get("unreachable").get(0).asText()).isEqualTo("gcp-us-east4");
    assertThat(report.get("unreachable").size()).isEqualTo(1);
    assertThat(report.get("pulled").asInt() + report.get("pushed").asInt() + report.get("failed").asInt()).isZero();
    assertThat(emf("AntiEntropyExchanges")).singleElement()
        .satisfies(doc -> assertThat(doc.get("AntiEntropyExchanges").asLong()).isEqualTo(1));
  }

  /** A replica on fresh tables of its own, configured as Terraform configures the functions. */
  private Replica awsReplica(String id, String recordsTable, String peers, String secrets) {
    String dedupe = Dynalite.uniqueTable("dedupe");
    String dead = Dynalite.uniqueTable("dead-letters");
    DynamoDbRecordStore.createTable(dynalite.client, recordsTable);
    DynamoDbDedupeStore.createTable(dynalite.client, dedupe);
    DynamoDbDeadLetterSink.createTable(dynalite.client, dead);
    AwsConfig config = AwsConfig.from(Map.of(
        "SYNCLINE_REPLICA_ID", id,
        "SYNCLINE_RECORDS_TABLE", recordsTable,
        "SYNCLINE_DEDUPE_TABLE", dedupe,
        "SYNCLINE_DEAD_LETTERS_TABLE", dead,
        "SYNCLINE_PEERS", peers,
        "SYNCLINE_SECRETS", secrets,
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true"));
    return AwsReplica.create(config, time::get, dynalite.client, config.common().secrets().orElseThrow(), line -> { });
  }

  /** A plain-HTTP stand-in for a replica's Function URL: each request becomes a 2.0 event for its ingress. */
  private static HttpServer functionUrl(Replica behind) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
        APIGatewayV2HTTPResponse r = new FunctionUrlIngressHandler(behind).handleRequest(
            event(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                headers, exchange.getRequestBody().readAllBytes(), true), null);
        byte[] body = r.getBody() == null ? new byte[0] : r.getBody().getBytes(StandardCharsets.UTF_8);
        if (r.getHeaders() != null) {
          r.getHeaders().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        }
        exchange.sendResponseHeaders(r.getStatusCode(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    return server;
  }

  /** {@code n} keys of the window of buckets a round compares at {@code nowMillis}. */
  private static List<RecordKey> keysInWindow(Replica on, long nowMillis, int n) {
    int first = on.antiEntropy.windowStart(nowMillis);
    List<RecordKey> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      RecordKey k = new RecordKey("user", "ae-" + i);
      int b = RecordDigest.bucket(k);
      if (b >= first && b < first + on.antiEntropy.settings().bucketsPerRound()) {
        keys.add(k);
      }
    }
    return keys;
  }

  @Test
  void antiEntropy_repairsBothWays_withAPeerBehindItsFunctionUrl_thenFindsNothing() throws Exception {
    // GIVEN a peer replica behind its Function URL, and this replica pointing at it
    String peerRecords = Dynalite.uniqueTable("records");
    Replica peer = awsReplica("gcp-us-east4", peerRecords, "", PEER_SECRET + ",aws-us-east-1=" + SECRET);
    HttpServer url = functionUrl(peer);
    try {
      String records = Dynalite.uniqueTable("records");
      Replica here = awsReplica("aws-us-east-1", records,
          "gcp-us-east4=http://127.0.0.1:" + url.getAddress().getPort(), SECRET + ",gcp-us-east4=" + PEER_SECRET);
      // ... and one record that only this replica holds and one that only the peer holds, which
      // no outbox owes anyone (as after a lost outbox entry), both in this round's window
      List<RecordKey> keys = keysInWindow(here, time.get(), 2);
      RecordKey onlyHere = keys.get(0);
      RecordKey onlyThere = keys.get(1);
      StoredRecord mine = Samples.storedRecord("aws-us-east-1", "here@x", List.of());
      StoredRecord theirs = Samples.storedRecord("gcp-us-east4", "there@x", List.of());
      DynamoDbRecordStore hereStore = new DynamoDbRecordStore(dynalite.enhanced, records);
      DynamoDbRecordStore thereStore = new DynamoDbRecordStore(dynalite.enhanced, peerRecords);
      hereStore.write(onlyHere, mine, 0);
      thereStore.write(onlyThere, theirs, 0);

      // WHEN the scheduled round runs here
      JsonNode report = JSON.readTree(antiEntropy(here));

      // THEN the peer's record was pulled and this one pushed, over the signed ingress
      assertThat(report.get("exchanges").asInt()).isEqualTo(1);
      assertThat(report.get("unreachable").size()).isZero();
      assertThat(report.get("keysDiffering").asInt()).isEqualTo(2);
      assertThat(report.get("pulled").asInt()).isEqualTo(1);
      assertThat(report.get("pushed").asInt()).isEqualTo(1);
      assertThat(report.get("failed").asInt()).isZero();
      assertThat(hereStore.load(onlyThere).orElseThrow().record().state()).isEqualTo(theirs.state());
      assertThat(thereStore.load(onlyHere).orElseThrow().record().state()).isEqualTo(mine.state());
      // ... and the next round finds both replicas equal
      JsonNode again = JSON.readTree(antiEntropy(here));
      assertThat(again.get("bucketsDiffering").asInt()).isZero();
      assertThat(again.get("pulled").asInt() + again.get("pushed").asInt()).isZero();
    } finally {
      url.stop(0);
    }
  }
}
