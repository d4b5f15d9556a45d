package dev.syncline.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.RecordKey;
import dev.syncline.core.json.Json;
import dev.syncline.core.port.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AntiEntropyTest {

  private static final String AWS = "aws-us-east-1";
  private static final String AZURE = "azure-eastus";
  private static final String GCP = "gcp-us-east4";
  private static final AntiEntropy.Settings SETTINGS =
      new AntiEntropy.Settings(64, 100, Duration.ofMinutes(1), 5_000, Duration.ofSeconds(2));

  /** Forgets what a record owes its peers, as a lost outbox entry would. */
  private static void loseOutbox(Mesh.Node node, RecordKey key) {
    Versioned v = node.records.load(key).orElseThrow();
    node.records.write(key, v.record().withOutbox(new TreeMap<>()), v.version());
  }

  @Test
  void aWriteWhoseOutboxEntryWasLost_reachesEveryPeer() {
    Mesh mesh = new Mesh(SETTINGS, AWS, AZURE, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "lost");
    // GIVEN a write on AWS whose outbox entry was lost before any drain
    mesh.cut.add(AWS + ">" + AZURE);
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("i1", "user/lost", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    loseOutbox(mesh.node(AWS), key);
    mesh.cut.clear();
    mesh.drainAll();
    assertThat(mesh.differing()).containsExactly("user/lost");
    // WHEN anti-entropy runs one cycle
    AntiEntropy.Report report = mesh.cycle();
    // THEN every replica holds the write, and the report says what was repaired
    assertThat(mesh.differing()).isEmpty();
    assertThat(mesh.node(GCP).view(key)).contains("\"email\":\"a@b\"");
    assertThat(report.repaired()).isPositive();
    assertThat(mesh.node(AWS).metrics.repaired.get() + mesh.node(GCP).metrics.repaired.get()
        + mesh.node(AZURE).metrics.repaired.get()).isPositive();
  }

  @Test
  void aLostRemoval_isRepaired_thoughBothSidesHoldTheSameCausalContext() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "unset");
    mesh.node(AWS).write("i1", "user/unset", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    mesh.drainAll();
    // GIVEN AWS unsets the email and the change is lost
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("i2", "user/unset", "[{\"op\":\"unset\",\"field\":\"email\"}]");
    loseOutbox(mesh.node(AWS), key);
    mesh.cut.clear();
    // ... so both hold the same context, but GCP still shows the email
    assertThat(mesh.node(GCP).state(key).context()).isEqualTo(mesh.node(AWS).state(key).context());
    assertThat(mesh.node(GCP).view(key)).contains("a@b");
    // WHEN anti-entropy runs THEN the removal reaches GCP
    mesh.cycle();
    assertThat(mesh.differing()).isEmpty();
    assertThat(mesh.node(GCP).view(key)).doesNotContain("a@b");
  }

  @Test
  void replicasThatAgree_exchangeDigestsOnly() {
    Mesh mesh = new Mesh(SETTINGS, AWS, AZURE, GCP).fullyWired();
    for (int i = 0; i < 200; i++) {
      mesh.node(List.of(AWS, AZURE, GCP).get(i % 3)).write("w" + i, "user/u" + i,
          "[{\"op\":\"incr\",\"field\":\"n\",\"by\":" + i + "}]");
    }
    mesh.drainAll();
    assertThat(mesh.differing()).isEmpty();
    long before = mesh.bytesOnWire.get();

    AntiEntropy.Report report = mesh.cycle();

    assertThat(report.bucketsDiffering()).isZero();
    assertThat(report.repaired()).isZero();
    // one digest request and answer per replica, peer and round: 3 × 2 × 16
    assertThat(report.exchanges()).isEqualTo(3 * 2 * 16);
    assertThat(mesh.bytesOnWire.get() - before).isEqualTo(report.bytesSent() + report.bytesReceived());
  }

  @Test
  void aNewEmptyPeer_isFilled_atMostTheRepairLimitPerRound_withoutANewWrite() {
    AntiEntropy.Settings slow = new AntiEntropy.Settings(64, 20, Duration.ofMinutes(1), 5_000, Duration.ofSeconds(2));
    Mesh mesh = new Mesh(slow, AWS, AZURE, GCP);
    // GIVEN AWS and Azure alone take 300 writes
    mesh.node(AWS).wire(List.of(AZURE));
    mesh.node(AZURE).wire(List.of(AWS));
    for (int i = 0; i < 300; i++) {
      mesh.node(i % 2 == 0 ? AWS : AZURE).write("w" + i, "user/u" + i, "[{\"op\":\"set\",\"field\":\"v\",\"value\":" + i + "}]");
    }
    mesh.drainAll();
    // WHEN GCP joins with empty tables and every replica is rewired
    mesh.fullyWired();
    assertThat(mesh.node(GCP).records.keys()).isEmpty();
    int cycles = 0;
    while (!mesh.differing().isEmpty() || mesh.node(GCP).records.keys().size() < 300) {
      AntiEntropy.Report report = mesh.cycle();
      assertThat(report.pushed()).as("pushed per cycle: at most 20 per initiator, peer and round")
          .isLessThanOrEqualTo(3 * 2 * 16 * 20);
      assertThat(++cycles).as("cycles to fill the new peer").isLessThan(10);
    }
    // THEN GCP holds every record, byte for byte as the others
    assertThat(mesh.node(GCP).records.keys()).hasSize(300);
    assertThat(mesh.node(GCP).view(new RecordKey("user", "u7"))).isEqualTo(mesh.node(AWS).view(new RecordKey("user", "u7")));
  }

  @Test
  void aPeerThatDoesNotAnswer_isReported_andTheOthersAreStillRepaired() {
    Mesh mesh = new Mesh(SETTINGS, AWS, AZURE, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "down");
    // GIVEN a write on AWS that reached nobody (its links cut, its outbox entries lost)
    mesh.cut.add(AWS + ">" + AZURE);
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("i1", "user/down", "[{\"op\":\"add\",\"field\":\"tags\",\"value\":\"x\"}]");
    loseOutbox(mesh.node(AWS), key);
    assertThat(mesh.node(AZURE).view(key)).isEqualTo("(none)");
    // WHEN AWS compares with both while GCP does not answer
    mesh.cut.clear();
    mesh.cut.add(AWS + ">" + GCP);
    mesh.cut.add(AZURE + ">" + GCP);

    AntiEntropy.Report report = mesh.node(AWS).replica.antiEntropy.round(RecordDigest.bucket(key), 1);

    assertThat(report.unreachable()).containsExactly(GCP);
    assertThat(mesh.node(AZURE).view(key)).contains("\"tags\":[\"x\"]");
  }

  @Test
  void readRepair_returnsWhatOnlyAPeerHas_andNamesThePeersThatDidNotAnswer() {
    Mesh mesh = new Mesh(SETTINGS, AWS, AZURE, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "rr");
    mesh.cut.add(GCP + ">" + AWS);
    mesh.cut.add(GCP + ">" + AZURE);
    mesh.node(GCP).write("i1", "user/rr", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"+1\"}]");
    mesh.cut.clear();
    mesh.cut.add(AWS + ">" + AZURE);

    AntiEntropy.RepairedRead read = mesh.node(AWS).replica.antiEntropy.readRepair(key);

    assertThat(read.view()).isPresent();
    assertThat(read.view().get().fields()).containsKey("phone");
    assertThat(read.answered()).containsExactly(GCP);
    assertThat(read.unanswered()).containsExactly(AZURE);
    assertThat(mesh.node(AWS).view(key)).contains("\"phone\":\"+1\"");
  }

  @Test
  void aDigestRequestThatIsNotOne_isRefusedAsMalformed() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    AntiEntropy ae = mesh.node(GCP).replica.antiEntropy;
    for (String bad : List.of("{}", "{\"version\":2,\"buckets\":{}}", "{\"version\":1,\"buckets\":{\"1024\":\"00\"}}",
        "{\"version\":1,\"buckets\":{\"01\":\"00000000000000000000000000000000\"}}",
        "{\"version\":1,\"buckets\":{\"1\":\"zz000000000000000000000000000000\"}}", "[]")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ae.answerDigests(bad.getBytes()))
          .as(bad)
          .isInstanceOfSatisfying(dev.syncline.core.SynclineException.class,
              e -> assertThat(e.kind()).isEqualTo(dev.syncline.core.SynclineException.Kind.MALFORMED));
    }
    JsonNode ok = Json.parse(ae.answerDigests("{\"version\":1,\"buckets\":{\"5\":\"00000000000000000000000000000000\"}}"
        .getBytes()), "answer");
    assertThat(ok.get("differ").size()).isZero();
  }

  private static dev.syncline.core.http.HttpRequest signed(Mesh.Node node, String method, String target, String contentType,
      String body) {
    byte[] bytes = body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long seconds = node.nowSeconds();
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    headers.put(dev.syncline.core.http.WebhookSignature.ID_HEADER, "t-1");
    headers.put(dev.syncline.core.http.WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds));
    byte[] payload = new dev.syncline.core.http.HttpRequest(method, target, headers, bytes).signedPayload();
    headers.put(dev.syncline.core.http.WebhookSignature.SIGNATURE_HEADER,
        dev.syncline.core.http.WebhookSignature.sign(node.secret, "t-1", seconds, payload));
    return new dev.syncline.core.http.HttpRequest(method, target, headers, bytes);
  }

  @Test
  void theAntiEntropyRoutes_wantASignature_json_andAKnownRecord() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    Mesh.Node gcp = mesh.node(GCP);
    String digests = "{\"version\":1,\"buckets\":{\"5\":\"" + "0".repeat(32) + "\"}}";
    dev.syncline.core.http.HttpRequest ok = signed(gcp, "POST", "/anti-entropy/digests", "application/json", digests);
    assertThat(gcp.replica.ingress.handle(ok).status()).isEqualTo(200);
    // unsigned, or signed for another body
    assertThat(gcp.replica.ingress.handle(new dev.syncline.core.http.HttpRequest("POST", "/anti-entropy/digests",
        java.util.Map.of("Content-Type", "application/json"), digests.getBytes())).status()).isEqualTo(401);
    assertThat(gcp.replica.ingress.handle(new dev.syncline.core.http.HttpRequest("POST", "/anti-entropy/digests",
        ok.headers(), "{}".getBytes())).status()).isEqualTo(401);
    assertThat(gcp.replica.ingress.handle(signed(gcp, "POST", "/anti-entropy/digests", "text/plain", digests)).status())
        .isEqualTo(415);
    assertThat(gcp.replica.ingress.handle(signed(gcp, "POST", "/anti-entropy/digests", "application/json", "{\"version\":9}"))
        .status()).isEqualTo(400);
    assertThat(gcp.replica.ingress.handle(signed(gcp, "GET", "/anti-entropy/records/user/none", null, null)).status())
        .isEqualTo(404);
    assertThat(gcp.replica.ingress.handle(signed(gcp, "GET", "/anti-entropy/records/User/x", null, null)).status())
        .isEqualTo(400);
  }

  @Test
  void aRepairedReadOverHttp_isTheCanonicalView_withTheRepairMemberAdded() {
    Mesh mesh = new Mesh(SETTINGS, AWS, AZURE, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "http");
    mesh.cut.add(AWS + ">" + GCP);
    mesh.cut.add(AWS + ">" + AZURE);
    mesh.node(AWS).write("i1", "user/http", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    mesh.cut.clear();
    mesh.cut.add(GCP + ">" + AZURE);
    Mesh.Node gcp = mesh.node(GCP);
    assertThat(gcp.replica.ingress.handle(signed(gcp, "GET", "/records/user/http", null, null)).status()).isEqualTo(404);

    dev.syncline.core.http.HttpResponse repaired = gcp.replica.ingress.handle(signed(gcp, "GET", "/records/user/http?repair=true",
        null, null));

    assertThat(repaired.status()).isEqualTo(200);
    String body = new String(repaired.body(), java.nio.charset.StandardCharsets.UTF_8);
    String view = mesh.node(AWS).view(key);
    assertThat(body).isEqualTo(view.substring(0, view.length() - 1)
        + ",\"repair\":{\"answered\":[\"" + AWS + "\"],\"unanswered\":[\"" + AZURE + "\"]}}");
    assertThat(gcp.view(key)).isEqualTo(view);
  }

  @Test
  void anAnswerOfLongIds_staysWithinWhatThePeerClientReads_cuttingTheBucketShort() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    Mesh.Node gcp = mesh.node(GCP);
    // GIVEN 2,500 records with 256-character ids, all in bucket 7
    int written = 0;
    for (int i = 0; written < 2_500; i++) {
      String id = String.format("%0256d", i);
      RecordKey key = new RecordKey("user", id);
      if (RecordDigest.bucket(key) == 7) {
        gcp.records.write(key, dev.syncline.core.contract.Samples.storedRecord(GCP, "a@b", List.of()), 0);
        written++;
      }
    }
    // WHEN a peer that holds none of them asks about bucket 7
    byte[] answer = gcp.replica.antiEntropy.answerDigests(
        ("{\"version\":1,\"buckets\":{\"7\":\"" + "0".repeat(32) + "\"}}").getBytes());
    // THEN the answer fits what the client reads, and says the bucket was cut short
    assertThat(answer.length).isLessThanOrEqualTo(dev.syncline.core.http.HttpPeerClient.MAX_ANSWER_BYTES);
    JsonNode parsed = Json.parse(answer, "answer");
    assertThat(parsed.get("partial")).hasSize(1);
    assertThat(parsed.get("differ").get("7").size()).isBetween(1_000, 2_499);
  }

  @Test
  void aDigestRequestForMoreThanOneWindow_isRefused() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    StringBuilder many = new StringBuilder("{\"version\":1,\"buckets\":{");
    for (int b = 0; b < 65; b++) {
      many.append(b == 0 ? "" : ",").append('"').append(b).append("\":\"").append("0".repeat(32)).append('"');
    }
    many.append("}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> mesh.node(GCP).replica.antiEntropy.answerDigests(many.toString().getBytes()))
        .isInstanceOfSatisfying(dev.syncline.core.SynclineException.class,
            e -> assertThat(e.getMessage()).contains("at most 64"));
  }

  @Test
  void aPeerThatRunsNoRoundsOfItsOwn_isRepairedByPushes() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "push");
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("i1", "user/push", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    loseOutbox(mesh.node(AWS), key);
    mesh.cut.clear();

    // only AWS runs rounds (GCP's scheduled function is broken, say): a pull cannot help GCP
    int per = SETTINGS.bucketsPerRound();
    AntiEntropy.Report report = mesh.node(AWS).replica.antiEntropy.round(RecordDigest.bucket(key) / per * per, per);

    assertThat(report.pushed()).isEqualTo(1);
    assertThat(report.pulled()).isZero();
    assertThat(mesh.node(GCP).view(key)).contains("\"email\":\"a@b\"");
  }

  @Test
  void aRepair_carriesTheIntentKeys_soAFailoverRetryIsADuplicateAfterIt() {
    Mesh mesh = new Mesh(SETTINGS, AWS, GCP).fullyWired();
    RecordKey key = new RecordKey("user", "retry");
    String ops = "[{\"op\":\"incr\",\"field\":\"balance\",\"by\":100}]";
    // GIVEN an intent applied on AWS whose change never reached GCP
    mesh.cut.add(AWS + ">" + GCP);
    mesh.node(AWS).write("pay-1", "user/retry", ops);
    loseOutbox(mesh.node(AWS), key);
    mesh.cut.clear();
    // WHEN anti-entropy repairs GCP, and then the app, failing over, retries the intent there
    mesh.cycle();
    dev.syncline.core.IntentDelivery.Result retry = mesh.node(GCP).replica.intents.deliverStructured(
        dev.syncline.core.contract.Samples.intentJson("/apps/mesh", "pay-1", "user/retry", ops));
    // THEN it is a duplicate, and the balance is 100 everywhere
    assertThat(retry).isEqualTo(dev.syncline.core.IntentDelivery.Result.DUPLICATE);
    assertThat(mesh.node(GCP).view(key)).contains("\"balance\":100");
    assertThat(mesh.differing()).isEmpty();
  }
}
