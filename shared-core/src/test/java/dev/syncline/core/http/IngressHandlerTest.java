package dev.syncline.core.http;

import static dev.syncline.core.http.IngressFixture.assertProblem;
import static dev.syncline.core.http.IngressFixture.intent;
import static dev.syncline.core.http.IngressFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.Dedupe;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IngressHandlerTest {

  static final RecordKey USER_42 = new RecordKey("user", "42");

  final IngressFixture replica = new IngressFixture();

  CloudEvent emailChange(String changeId) {
    return replica.change(
        changeId, USER_42, new Op.Set("email", JsonValue.ofString("a@b")), new Op.Incr("logins", 3));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // --- happy paths ---------------------------------------------------------------------------

  @Test
  void post_mergesAChangeFromAPeerWithOtherSchemas_andCountsEachSuchChange() {
    IngressFixture gcp = new IngressFixture(
        Schemas.of(EntitySchema.of("user").register("email")), store -> store, IngressHandler.DEFAULT_MAX_IN_FLIGHT);
    RecordKey user = new RecordKey("user", "42");
    String theirs = Schemas.of(EntitySchema.of("user").register("email").counter("logins")).fingerprint();
    String ours = Schemas.of(EntitySchema.of("user").register("email")).fingerprint();

    HttpResponse other = gcp.handler.handle(gcp.structured(ChangeEvents.withSchema(
        gcp.change("c-1", user, new Op.Set("email", JsonValue.ofString("a@b"))), theirs)));
    HttpResponse again = gcp.handler.handle(gcp.structured(ChangeEvents.withSchema(
        gcp.change("c-2", user, new Op.Set("email", JsonValue.ofString("c@d"))), theirs)));
    HttpResponse same = gcp.handler.handle(gcp.structured(ChangeEvents.withSchema(
        gcp.change("c-3", new RecordKey("user", "7"), new Op.Set("email", JsonValue.ofString("e@f"))), ours)));
    HttpResponse none = gcp.handler.handle(gcp.structured(gcp.change("c-4", new RecordKey("user", "8"),
        new Op.Set("email", JsonValue.ofString("g@h")))));

    assertThat(List.of(other, again, same, none)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(gcp.engine.view(user).orElseThrow().fields()).containsKey("email");
    assertThat(gcp.metrics.schemaMismatches.get()).isEqualTo(2);
  }

  @Test
  void post_appliesChange_andGetShowsTheView() {
    // GIVEN a change signed and sent in structured mode
    HttpRequest request = replica.structured(emailChange("chg-1"));
    // WHEN it is posted
    HttpResponse response = replica.handler.handle(request);
    // THEN it is applied, and the view shows it
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).contains("application/json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"outcome\":\"applied\"}");
    HttpResponse view = replica.handler.handle(replica.get("/records/user/42"));
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.header("content-type")).contains("application/json");
    assertThat(new String(view.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"entity\":\"user\",\"id\":\"42\",\"exists\":true,"
                + "\"fields\":{\"email\":\"a@b\",\"logins\":3},\"version\":{\"aws-us-east-1\":2}}");
  }

  @Test
  void post_appliesChange_inStructuredMode() {
    // GIVEN a change sent as application/cloudevents+json
    HttpRequest request = replica.structured(emailChange("chg-1"));
    assertThat(request.header("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/cloudevents+json"));
    // WHEN it is posted
    HttpResponse response = replica.handler.handle(request);
    // THEN it is applied
    assertThat(json(response).get("outcome").asText()).isEqualTo("applied");
    assertThat(json(replica.handler.handle(replica.get("/records/user/42"))).at("/fields/email").asText())
        .isEqualTo("a@b");
  }

  @Test
  void post_readsStructuredMode_sentAsPlainApplicationJson() {
    // GIVEN a structured event whose sender labels it application/json
    HttpMessage message = ChangeEvents.toStructured(emailChange("chg-1"));
    HttpRequest request =
        replica.signed("POST", "/events", "chg-1", Map.of("Content-Type", "application/json; charset=utf-8"),
            message.body(), IngressFixture.SECRET);
    // WHEN it is posted THEN it is applied
    assertThat(replica.handler.handle(request).status()).isEqualTo(200);
    assertThat(replica.records.keys()).containsExactly(USER_42);
  }

  @Test
  void post_keepsDecimalsExact_inAnIntent() {
    // GIVEN an intent whose price has more digits than a double holds
    CloudEvent priced = intent("i-price", "item/9",
        "{\"ops\":[{\"op\":\"set\",\"field\":\"price\",\"value\":19.990000000000000000001},"
            + "{\"op\":\"set\",\"field\":\"big\",\"value\":123456789012345678901234567890},"
            + "{\"op\":\"set\",\"field\":\"scaled\",\"value\":19.990}]}");
    // WHEN it is posted in structured mode
    HttpResponse response = replica.handler.handle(replica.structured(priced));
    // THEN the stored value is the very number sent, not its double
    assertThat(response.status()).isEqualTo(200);
    assertThat(replica.engine.view(new RecordKey("item", "9")).orElseThrow().fields())
        .containsEntry("price", JsonValue.of(new com.fasterxml.jackson.databind.node.DecimalNode(
            new java.math.BigDecimal("19.990000000000000000001"))))
        .containsEntry("big", JsonValue.of(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(
            new java.math.BigInteger("123456789012345678901234567890"))));
    assertThat(new String(replica.handler.handle(replica.get("/records/item/9")).body(), StandardCharsets.UTF_8))
        .contains("\"price\":19.990000000000000000001", "\"scaled\":19.990", "\"big\":123456789012345678901234567890");
  }

  @Test
  void post_keepsDecimalsExact_inAChange() {
    // GIVEN a change from a peer holding an exact decimal
    JsonValue exact = JsonValue.of(new com.fasterxml.jackson.databind.node.DecimalNode(new java.math.BigDecimal("0.1000000000000000000000000001")));
    CloudEvent change = replica.change("chg-dec", USER_42, new Op.Set("ratio", exact));
    // WHEN it is posted in structured mode
    HttpResponse response = replica.handler.handle(replica.structured(change));
    // THEN the merged state holds exactly that decimal
    assertThat(response.status()).isEqualTo(200);
    assertThat(replica.engine.view(USER_42).orElseThrow().fields()).containsEntry("ratio", exact);
  }

  @Test
  void post_answersDuplicate_whenTheSameChangeArrivesAgain() {
    // GIVEN a change already applied
    CloudEvent change = emailChange("chg-1");
    replica.handler.handle(replica.structured(change));
    byte[] before = replica.handler.handle(replica.get("/records/user/42")).body();
    // WHEN it arrives again
    HttpResponse response = replica.handler.handle(replica.structured(change));
    // THEN it is a duplicate and the view is unchanged
    assertThat(json(response).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(replica.handler.handle(replica.get("/records/user/42")).body()).isEqualTo(before);
  }

  @Test
  void post_appliesWriteIntent_once() {
    // GIVEN an app's write intent sent over signed HTTPS
    CloudEvent intent = intent("signup-1", "user/7", "{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"x@y\"},{\"op\":\"add\",\"field\":\"tags\",\"value\":\"new\"}]}");
    // WHEN it is posted twice
    HttpResponse first = replica.handler.handle(replica.structured(intent));
    HttpResponse second = replica.handler.handle(replica.structured(intent));
    // THEN it applies once, and the view shows it
    assertThat(json(first).get("outcome").asText()).isEqualTo("applied");
    assertThat(json(second).get("outcome").asText()).isEqualTo("duplicate");
    JsonNode view = json(replica.handler.handle(replica.get("/records/user/7")));
    assertThat(view.at("/fields/email").asText()).isEqualTo("x@y");
    assertThat(view.at("/fields/tags/0").asText()).isEqualTo("new");
    assertThat(replica.metrics.intentsApplied.get()).isEqualTo(1);
  }

  @Test
  void post_acceptsTheSecondSecret_duringRotation() {
    // GIVEN a change signed with the older of the two configured secrets
    CloudEvent change = emailChange("chg-1");
    HttpMessage message = ChangeEvents.toStructured(change);
    HttpRequest request =
        replica.signed("POST", "/events", "chg-1", message.headers(), message.body(), IngressFixture.OLD_SECRET);
    // WHEN it is posted THEN it is applied
    assertThat(replica.handler.handle(request).status()).isEqualTo(200);
  }

  // --- hostile input: each gets its 4xx and changes nothing -----------------------------------

  @Test
  void post_returns400_whenJsonIsMalformed() {
    HttpRequest request =
        replica.signed("POST", "/events", "e-1", Map.of("Content-Type", "application/cloudevents+json"),
            utf8("{\"specversion\":\"1.0\",\"id\":"), IngressFixture.SECRET);
    assertProblem(replica.handler.handle(request), 400);
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns400_whenStructuredCloudEventLacksRequiredAttributes() {
    // GIVEN structured events without source, and without type
    for (String body :
        List.of(
            "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"type\":\"" + ChangeEvents.TYPE + "\",\"data\":{}}",
            "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/x\",\"data\":{}}",
            "{\"id\":\"e-1\",\"source\":\"/x\",\"type\":\"" + ChangeEvents.TYPE + "\"}",
            "[]")) {
      HttpRequest request =
          replica.signed("POST", "/events", "e-1", Map.of("Content-Type", "application/cloudevents+json"),
              utf8(body), IngressFixture.SECRET);
      // WHEN posted THEN 400
      assertProblem(replica.handler.handle(request), 400);
    }
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns415_forBinaryMode_soAReplayWithAnotherSourceAppliesNothing() {
    // GIVEN an intent captured in binary mode, correctly signed (the signature covers the body only)
    CloudEvent credit = intent("pay-1", "account/a1", "{\"ops\":[{\"op\":\"incr\",\"field\":\"balance\",\"by\":100}]}");
    HttpMessage message = ChangeEvents.toBinary(credit);
    HttpRequest captured = replica.signed("POST", "/events", "pay-1", message.headers(), message.body(), IngressFixture.SECRET);
    Map<String, String> replayed = new LinkedHashMap<>(captured.headers());
    replayed.put("ce-source", "/apps/other");
    // WHEN it is posted as captured, and replayed with another ce-source
    for (HttpRequest request : List.of(captured, new HttpRequest("POST", "/events", replayed, message.body()))) {
      JsonNode problem = assertProblem(replica.handler.handle(request), 415);
      // THEN each is refused with a problem that says why, and nothing is applied
      assertThat(problem.get("detail").asText()).contains("structured mode");
    }
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns400_whenTheEventTypeIsUnknown() {
    CloudEvent other =
        io.cloudevents.core.builder.CloudEventBuilder.v1(emailChange("chg-1")).withType("com.example.other").build();
    JsonNode problem = assertProblem(replica.handler.handle(replica.structured(other)), 400);
    assertThat(problem.get("detail").asText()).contains(ChangeEvents.TYPE).contains(WriteIntent.TYPE);
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns400_whenTheDataIsNotADeltaOrIntent() {
    // GIVEN a change whose data is not a delta, and an intent whose ops are not ops
    CloudEvent badChange =
        io.cloudevents.core.builder.CloudEventBuilder.v1(emailChange("chg-1")).withData(utf8("{\"format\":\"nope\"}")).build();
    CloudEvent badIntent = intent("i-1", "user/7", "{\"ops\":[{\"op\":\"explode\"}]}");
    CloudEvent badSubject = intent("i-2", "user", "{\"ops\":[{\"op\":\"delete\"}]}");
    // WHEN posted THEN 400 each
    assertProblem(replica.handler.handle(replica.structured(badChange)), 400);
    assertProblem(replica.handler.handle(replica.structured(badIntent)), 400);
    assertProblem(replica.handler.handle(replica.structured(badSubject)), 400);
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns400_whenTheIntentViolatesTheSchema() {
    // GIVEN a replica where user.logins is declared a counter
    IngressFixture strict =
        new IngressFixture(Schemas.of(EntitySchema.of("user").counter("logins")), store -> store, 4);
    CloudEvent intent = intent("i-1", "user/7", "{\"ops\":[{\"op\":\"set\",\"field\":\"logins\",\"value\":\"x\"}]}");
    // WHEN an intent sets it like a register
    JsonNode problem = assertProblem(strict.handler.handle(strict.structured(intent)), 400);
    // THEN it is rejected and nothing is written
    assertThat(problem.get("title").asText()).isEqualTo("Schema violation");
    assertThat(strict.records.keys()).isEmpty();
  }

  @Test
  void post_returns401_whenUnsigned() {
    HttpMessage message = ChangeEvents.toStructured(emailChange("chg-1"));
    JsonNode problem =
        assertProblem(replica.handler.handle(new HttpRequest("POST", "/events", message.headers(), message.body())), 401);
    assertThat(problem.get("detail").asText()).contains("required");
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns401_whenSignatureIsWrong() {
    // GIVEN a change signed with a secret the replica does not hold
    HttpMessage message = ChangeEvents.toStructured(emailChange("chg-1"));
    HttpRequest request =
        replica.signed("POST", "/events", "chg-1", message.headers(), message.body(), IngressFixture.secret((byte) 1));
    // WHEN posted THEN 401, and the answer does not leak the secrets
    HttpResponse response = replica.handler.handle(request);
    assertProblem(response, 401);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .doesNotContain(IngressFixture.SECRET.substring(6))
        .doesNotContain(IngressFixture.OLD_SECRET.substring(6));
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns401_whenTheBodyWasTamperedWith() {
    // GIVEN a correctly signed intent whose body is altered in transit, even into invalid JSON
    HttpRequest signed = replica.structured(intent("i-1", "user/7", "{\"ops\":[{\"op\":\"delete\"}]}"));
    HttpRequest tampered = new HttpRequest("POST", "/events", signed.headers(), utf8("{not json"));
    // WHEN posted THEN 401: the signature is checked before the body is parsed
    assertProblem(replica.handler.handle(tampered), 401);
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns401_whenReplayedOutsideTheWindow() {
    // GIVEN a request signed now
    HttpRequest request = replica.structured(emailChange("chg-1"));
    // WHEN it is replayed 5 minutes and 1 second later
    replica.now.addAndGet(301_000);
    JsonNode problem = assertProblem(replica.handler.handle(request), 401);
    // THEN it is refused
    assertThat(problem.get("detail").asText()).contains("window");
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns401_whenWebhookIdDiffersFromTheEventId() {
    // GIVEN a validly signed request whose webhook-id is not the CloudEvent id
    HttpMessage message = ChangeEvents.toStructured(emailChange("chg-1"));
    HttpRequest request =
        replica.signed("POST", "/events", "another-id", message.headers(), message.body(), IngressFixture.SECRET);
    // WHEN posted THEN 401
    JsonNode problem = assertProblem(replica.handler.handle(request), 401);
    assertThat(problem.get("detail").asText()).contains("webhook-id");
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns413_whenTheBodyIsOver256KiB_evenUnsigned() {
    // GIVEN a signed body one byte over the limit, and an unsigned one
    byte[] big = new byte[IngressHandler.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    Map<String, String> json = Map.of("Content-Type", "application/cloudevents+json");
    HttpRequest signed = replica.signed("POST", "/events", "e-1", json, big, IngressFixture.SECRET);
    HttpRequest unsigned = new HttpRequest("POST", "/events", json, big);
    HttpRequest declared =
        new HttpRequest("POST", "/events", Map.of("Content-Length", "9999999"), new byte[0]);
    // WHEN posted THEN 413 each
    assertProblem(replica.handler.handle(signed), 413);
    assertProblem(replica.handler.handle(unsigned), 413);
    assertProblem(replica.handler.handle(declared), 413);
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_returns415_whenTheContentTypeIsNotJson() {
    // GIVEN a structured event labelled text/plain, one with no content type, and a batch
    HttpMessage structured = ChangeEvents.toStructured(emailChange("chg-1"));
    for (HttpRequest request :
        List.of(
            replica.signed("POST", "/events", "chg-1", Map.of("Content-Type", "text/plain"), structured.body(), IngressFixture.SECRET),
            replica.signed("POST", "/events", "chg-1", Map.of(), structured.body(), IngressFixture.SECRET),
            replica.signed("POST", "/events", "chg-1", Map.of("Content-Type", "application/cloudevents-batch+json"), utf8("[]"), IngressFixture.SECRET))) {
      // WHEN posted THEN 415
      assertProblem(replica.handler.handle(request), 415);
    }
    assertThat(replica.records.keys()).isEmpty();
  }

  // --- stamps and counters at the end of their range (DESIGN 5.8) ------------------------------

  /** A change from {@link IngressFixture#ORIGIN} whose data is {@code dataJson}, as written. */
  HttpRequest rawChange(String id, String subject, String dataJson) {
    byte[] body = utf8("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/syncline/replicas/" + IngressFixture.ORIGIN
        + "\",\"type\":\"" + ChangeEvents.TYPE + "\",\"subject\":\"" + subject
        + "\",\"datacontenttype\":\"application/json\",\"data\":" + dataJson + "}");
    return replica.signed("POST", "/events", id, Map.of("Content-Type", "application/cloudevents+json"), body, IngressFixture.SECRET);
  }

  static String registerDelta(String format, String context, long counter, long wall, long logical) {
    return "{\"format\":\"" + format + "\",\"context\":" + context + ",\"fields\":[{\"name\":\"email\",\"type\":\"register\","
        + "\"siblings\":[{\"dot\":[\"" + IngressFixture.ORIGIN + "\"," + counter + "],\"hlc\":[" + wall + "," + logical + "],\"value\":\"x@y\"}]}]}";
  }

  @Test
  void post_refusesAChangeStampedAtTheEndOfTime_andTheReplicaKeepsWorking() {
    // GIVEN signed changes with an HLC of [Long.MAX, Integer.MAX], one a year ahead and one two days ahead
    String vector = "{\"vector\":{\"" + IngressFixture.ORIGIN + "\":1},\"cloud\":[]}";
    String endOfTime = registerDelta("syncline-delta/1", vector, 1, Long.MAX_VALUE, Integer.MAX_VALUE);
    String aYearAhead = registerDelta("syncline-delta/1", vector, 1, IngressFixture.START_MILLIS + 365L * 86_400_000, 0);
    String twoDaysAhead = registerDelta("syncline-delta/1", vector, 1, IngressFixture.START_MILLIS + 2L * 86_400_000, 0);
    // WHEN they are posted
    assertProblem(replica.handler.handle(rawChange("c-end", "user/42", endOfTime)), 400);
    JsonNode far = assertProblem(replica.handler.handle(rawChange("c-far", "user/42", aYearAhead)), 400);
    JsonNode near = assertProblem(replica.handler.handle(rawChange("c-near", "user/42", twoDaysAhead)), 409);
    // THEN the end of time and a year ahead are malformed; two days ahead may be this clock's fault,
    // so the sender is told to retry; nothing was merged, and intents on that record and any other still apply
    assertThat(far.get("detail").asText()).contains("ahead");
    assertThat(near.get("type").asText()).isEqualTo("urn:syncline:problem:ahead-of-receiver");
    assertThat(replica.records.keys()).isEmpty();
    for (String subject : List.of("user/42", "user/43")) {
      CloudEvent write = intent("after-" + subject, subject, "{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]}");
      assertThat(replica.handler.handle(replica.structured(write)).status()).isEqualTo(200);
    }
  }

  @Test
  void post_answers409_forADeltaInANewerFormat_soTheSenderKeepsItUntilThisReplicaIsUpgraded() {
    String newer = registerDelta("syncline-delta/3", "{\"" + IngressFixture.ORIGIN + "\":[[1,1]]}", 1, IngressFixture.START_MILLIS, 0);
    String unknown = registerDelta("syncline-delta/x", "{\"" + IngressFixture.ORIGIN + "\":[[1,1]]}", 1, IngressFixture.START_MILLIS, 0);

    JsonNode problem = assertProblem(replica.handler.handle(rawChange("c-v3", "user/42", newer)), 409);
    assertProblem(replica.handler.handle(rawChange("c-vx", "user/42", unknown)), 400);

    assertThat(problem.get("detail").asText()).contains("syncline-delta/3");
    assertThat(replica.records.keys()).isEmpty();
  }

  @Test
  void post_mergesAChangeAnHourAhead_asClockSkew() {
    long anHourAhead = IngressFixture.START_MILLIS + 3_600_000;
    String ahead = registerDelta("syncline-delta/2", "{\"" + IngressFixture.ORIGIN + "\":[[1,1]]}", 1, anHourAhead, 0);

    assertThat(replica.handler.handle(rawChange("c-hour", "user/42", ahead)).status()).isEqualTo(200);
    assertThat(replica.metrics.clockSkews.get()).isEqualTo(1);
  }

  @Test
  void post_refusesADotCounterNearTheEndOfItsRange_andTheRecordStillTakesWrites() {
    // GIVEN a signed change naming a dot near Long.MAX, and one naming this replica's own dot at 2^52 + 1
    long now = IngressFixture.START_MILLIS;
    String nearLongMax = registerDelta("syncline-delta/1",
        "{\"vector\":{},\"cloud\":[[\"" + IngressFixture.ORIGIN + "\",9223372036854775806]]}", 9223372036854775806L, now, 0);
    String pastPeerBound = "{\"format\":\"syncline-delta/2\",\"context\":{\"gcp-us-east4\":[[" + ((1L << 52) + 1) + "," + ((1L << 52) + 1)
        + "]]},\"fields\":[]}";
    // WHEN they are posted THEN each is refused and nothing is merged
    assertProblem(replica.handler.handle(rawChange("c-dot", "user/42", nearLongMax)), 400);
    assertProblem(replica.handler.handle(rawChange("c-own", "user/42", pastPeerBound)), 400);
    assertThat(replica.records.keys()).isEmpty();
    // ... and the record takes a write
    CloudEvent write = intent("after", "user/42", "{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]}");
    assertThat(replica.handler.handle(replica.structured(write)).status()).isEqualTo(200);
  }

  @Test
  void post_refusesACounterSumNoReplicaCouldReach_andTheCounterStillCountsAfterIt() {
    // GIVEN a signed change giving this replica's own counter a running sum of 2^127 - 1 (dot 1, a
    // plausible counter), which once merged would leave it no room for another increment
    String own = "gcp-us-east4";
    String forged = "{\"format\":\"syncline-delta/2\",\"context\":{\"" + own + "\":[[1,1]]},\"fields\":[{\"name\":\"logins\","
        + "\"type\":\"counter\",\"contributions\":[{\"replica\":\"" + own + "\",\"counter\":1,\"sum\":"
        + java.math.BigInteger.TWO.pow(127).subtract(java.math.BigInteger.ONE) + ",\"hlc\":[" + IngressFixture.START_MILLIS
        + ",0]}],\"resets\":[]}]}";
    // WHEN it is posted THEN it is malformed and nothing is merged
    JsonNode problem = assertProblem(replica.handler.handle(rawChange("c-sum", "user/42", forged)), 400);
    assertThat(problem.get("detail").asText()).contains("116 bits");
    assertThat(replica.records.keys()).isEmpty();
    // AND the counter takes an increment, a reset and another increment
    List<String> ops = List.of("{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}", "{\"op\":\"unset\",\"field\":\"logins\"}",
        "{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}");
    for (int i = 0; i < ops.size(); i++) {
      CloudEvent write = intent("sum-" + i, "user/42", "{\"ops\":[" + ops.get(i) + "]}");
      assertThat(replica.handler.handle(replica.structured(write)).status()).isEqualTo(200);
    }
    JsonNode view = json(replica.handler.handle(replica.get("/records/user/42")));
    assertThat(view.get("fields").get("logins").asLong()).isEqualTo(1);
  }

  @Test
  void post_refusesADeltaWhoseFieldHoldsADotItsContextLacks() {
    String orphan = registerDelta("syncline-delta/2", "{}", 1, IngressFixture.START_MILLIS, 0);

    JsonNode problem = assertProblem(replica.handler.handle(rawChange("c-orphan", "user/42", orphan)), 400);

    assertThat(problem.get("detail").asText()).contains("context lacks");
    assertThat(replica.records.keys()).isEmpty();
  }

  // --- GET, OPTIONS, routing ------------------------------------------------------------------

  @Test
  void get_returns404_forARecordNeverWritten() {
    assertProblem(replica.handler.handle(replica.get("/records/user/unknown")), 404);
  }

  @Test
  void get_returns400_forAnInvalidAddress() {
    assertProblem(replica.handler.handle(replica.get("/records/User/42")), 400);
    assertProblem(replica.handler.handle(replica.get("/records/user/a/b")), 400);
    assertProblem(replica.handler.handle(replica.get("/records/user/%2e%2e")), 400);
  }

  @Test
  void get_returns401_whenUnsigned() {
    // GIVEN a record that exists
    replica.handler.handle(replica.structured(emailChange("chg-1")));
    // WHEN it is read without a signature THEN 401
    assertProblem(replica.handler.handle(new HttpRequest("GET", "/records/user/42", Map.of(), null)), 401);
  }

  @Test
  void get_returns401_whenTheSignatureIsForAnotherPath() {
    // GIVEN two records, and a GET correctly signed for the first one
    replica.handler.handle(replica.structured(emailChange("chg-1")));
    replica.handler.handle(replica.structured(replica.change("chg-2", new RecordKey("user", "43"),
        new Op.Set("email", JsonValue.ofString("secret@b")))));
    HttpRequest signedFor42 = replica.get("/records/user/42");
    // WHEN its headers are replayed against the other record, or with a query appended
    for (String other : List.of("/records/user/43", "/records/user/42?x=1")) {
      HttpRequest replayed = new HttpRequest("GET", other, signedFor42.headers(), null);
      // THEN 401: the signature covers "GET <path-and-query>"
      assertProblem(replica.handler.handle(replayed), 401);
    }
    // ... while the request as signed still reads its record
    assertThat(replica.handler.handle(signedFor42).status()).isEqualTo(200);
  }

  @Test
  void get_returns401_whenSignedOverAnEmptyBody_asBeforeDesignSection6Changed() {
    HttpRequest emptyBodySigned = replica.signed("POST", "/records/user/42", "get-1", Map.of(), new byte[0], IngressFixture.SECRET);
    assertProblem(replica.handler.handle(
        new HttpRequest("GET", "/records/user/42", emptyBodySigned.headers(), null)), 401);
  }

  @Test
  void options_answersTheWebhookHandshake_unsigned() {
    // GIVEN an abuse-protection handshake (CloudEvents HTTP webhook spec)
    HttpRequest request =
        new HttpRequest("OPTIONS", "/events", Map.of("WebHook-Request-Origin", "eventemitter.example.com"), null);
    // WHEN handled
    HttpResponse response = replica.handler.handle(request);
    // THEN the origin is allowed at any rate
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("webhook-allowed-origin")).contains("eventemitter.example.com");
    assertThat(response.header("WebHook-Allowed-Rate")).contains("*");
  }

  @Test
  void options_returns400_withoutAnOrigin() {
    assertProblem(replica.handler.handle(new HttpRequest("OPTIONS", "/events", Map.of(), null)), 400);
    assertProblem(
        replica.handler.handle(new HttpRequest("OPTIONS", "/events", Map.of("WebHook-Request-Origin", "a b\r\nX: y"), null)),
        400);
  }

  @Test
  void returns404_forAnUnknownPath() {
    assertProblem(replica.handler.handle(replica.get("/admin")), 404);
    assertProblem(replica.handler.handle(replica.get("/records/user")), 404);
  }

  @Test
  void returns405_withAllow_forAWrongMethod() {
    HttpResponse events = replica.handler.handle(new HttpRequest("PUT", "/events", Map.of(), null));
    HttpResponse records = replica.handler.handle(new HttpRequest("DELETE", "/records/user/42", Map.of(), null));
    assertProblem(events, 405);
    assertThat(events.header("allow")).contains("POST, OPTIONS");
    assertProblem(records, 405);
    assertThat(records.header("Allow")).contains("GET");
  }

  // --- overload and failures ------------------------------------------------------------------

  /** A record store whose loads wait until released. */
  static final class BlockingStore implements RecordStore {
    final RecordStore inner;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingStore(RecordStore inner) {
      this.inner = inner;
    }

    @Override
    public Optional<Versioned> load(RecordKey key) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.load(key);
    }

    @Override
    public long write(RecordKey key, StoredRecord record, long expectedVersion) {
      return inner.write(key, record, expectedVersion);
    }

    @Override
    public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
      return inner.withDueOutbox(nowMillis, limit);
    }

    @Override
    public dev.syncline.core.port.BucketPage scanBucket(int bucket, String cursor, int limit) {
      return inner.scanBucket(bucket, cursor, limit);
    }
  }

  @Test
  void returns503_withRetryAfter_whenTooManyRequestsAreInFlight() throws Exception {
    // GIVEN a handler allowing one request in flight, busy with one
    BlockingStore[] store = new BlockingStore[1];
    IngressFixture busy =
        new IngressFixture(Schemas.inferred(), s -> store[0] = new BlockingStore(s), 1);
    CompletableFuture<HttpResponse> first =
        CompletableFuture.supplyAsync(() -> busy.handler.handle(busy.get("/records/user/42")));
    assertThat(store[0].entered.await(10, TimeUnit.SECONDS)).isTrue();
    // WHEN a second request arrives
    HttpResponse second = busy.handler.handle(busy.get("/records/user/42"));
    // THEN it is turned away at once, and the first completes
    assertProblem(second, 503);
    assertThat(second.header("Retry-After")).contains("1");
    store[0].release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(404);
    assertThat(busy.handler.handle(busy.get("/records/user/42")).status()).isEqualTo(404);
  }

  @Test
  void post_returns503_withRetryAfterRoundedUp_whileADuplicateIsInProgress() {
    // GIVEN another invocation holding the lease of an intent for 1.5 s
    CloudEvent event = intent("i-1", "user/7", "{\"ops\":[{\"op\":\"delete\"}]}");
    String dedupeKey = new WriteIntent("/apps/signup", "i-1", new RecordKey("user", "7"), List.of(new Op.Delete())).dedupeKey();
    long now = replica.now.get();
    new Dedupe(replica.dedupe).claim(dedupeKey, "other", now, now + 1_500, now + 60_000);
    // WHEN the same intent is posted
    HttpResponse response = replica.handler.handle(replica.structured(event));
    // THEN retry in 2 s
    assertProblem(response, 503);
    assertThat(response.header("Retry-After")).contains("2");
    assertThat(replica.records.keys()).isEmpty();
  }

  /** A record store that always fails with {@code failure}. */
  static RecordStore failing(RuntimeException failure) {
    return new RecordStore() {
      @Override
      public Optional<Versioned> load(RecordKey key) {
        throw failure;
      }

      @Override
      public long write(RecordKey key, StoredRecord record, long expectedVersion) {
        throw failure;
      }

      @Override
      public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
        throw failure;
      }

      @Override
      public dev.syncline.core.port.BucketPage scanBucket(int bucket, String cursor, int limit) {
        throw failure;
      }
    };
  }

  @Test
  void post_returns503_whenTheStoreIsUnavailable() {
    IngressFixture down =
        new IngressFixture(Schemas.inferred(), s -> failing(SynclineException.unavailable("store down", null)), 4);
    HttpResponse response = down.handler.handle(down.structured(emailChange("chg-1")));
    assertProblem(response, 503);
    assertThat(response.header("Retry-After")).contains("1");
  }

  @Test
  void post_returns500_withoutDetails_onAnUnexpectedFailure() {
    IngressFixture broken =
        new IngressFixture(Schemas.inferred(), s -> failing(new IllegalStateException("secret internals")), 4);
    HttpResponse response = broken.handler.handle(broken.structured(emailChange("chg-1")));
    JsonNode problem = assertProblem(response, 500);
    assertThat(problem.has("detail")).isFalse();
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("secret internals");
  }
}
