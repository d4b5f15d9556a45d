package dev.syncline.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.contract.StoreSnapshot;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.http.WebhookSignature;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.json.Json;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.ConflictSink;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingress of DESIGN section 6 on fuzzed requests, signatures verified in process: the harness
 * signs most requests correctly (with the replica's own secret, over the body or {@code GET
 * <path>}), so the fuzzer reaches the parsers, the bounds and the engine. Whatever arrives, the
 * answer is never a 5xx other than 503, and a refused request (any 4xx) leaves the store exactly
 * as it was.
 */
class IngressHandlerFuzzTest {

  private static final long NOW = 1_764_158_400_000L;
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("fuzzing-secret-0123456789abcdef".getBytes());
  private static final String[] CONTENT_TYPES = {
      "application/cloudevents+json", "application/json", "application/cloudevents+json; charset=utf-8", "text/plain",
      "application/cloudevents-batch+json", ""};
  private static final String[] PATHS = {"/events", "/records/user/42", "/records/", "/records/user/", "/records/a/b/c", "/"};

  @FuzzTest(maxDuration = "10m")
  void handle(FuzzedDataProvider data) {
    InMemoryRecordStore records = new InMemoryRecordStore();
    records.write(Samples.USER_42, Samples.storedRecord("gcp-us-east4", "a@b", List.of("aws-us-east-1")), 0);
    SyncEngine engine = new SyncEngine(ReplicaConfig.of("gcp-us-east4", List.of()), records, new InMemoryDedupeStore(),
        new HybridLogicalClock(() -> NOW, 300_000), new InMemoryMetrics(), ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
    IngressHandler ingress = new IngressHandler(engine, new WebhookVerifier(List.of(SECRET), () -> NOW));

    String method = data.pickValue(new String[] {"POST", "POST", "POST", "GET", "OPTIONS", "PUT"});
    String path = data.consumeBoolean() ? data.pickValue(PATHS) : "/" + data.consumeString(40);
    Map<String, String> headers = new LinkedHashMap<>();
    String type = data.pickValue(CONTENT_TYPES);
    if (!type.isEmpty()) {
      headers.put("Content-Type", type);
    }
    if (data.consumeBoolean()) {
      headers.put("ce-specversion", "1.0");
      headers.put("ce-" + data.pickValue(new String[] {"id", "source", "type", "subject"}), data.consumeString(30));
    }
    if (data.consumeBoolean()) {
      headers.put("WebHook-Request-Origin", data.consumeString(30));
    }
    boolean sign = data.consumeInt(0, 9) != 0;
    byte[] body = data.consumeRemainingAsBytes();
    String id = idOf(body);
    if (sign) {
      long seconds = NOW / 1000;
      byte[] payload = method.equals("GET") ? ("GET " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8) : body;
      headers.put(WebhookSignature.ID_HEADER, id);
      headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds));
      headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(SECRET, id, seconds, payload));
    }
    StoreSnapshot before = StoreSnapshot.of(records);

    HttpResponse answer = ingress.handle(new HttpRequest(method, path, headers, body));

    assertThat(answer.status()).as("status").isNotIn(500, 501, 502, 504);
    if (answer.status() >= 400) {
      assertThat(before.sameAs(StoreSnapshot.of(records))).as("a refused request changed the store").isTrue();
    }
  }

  /** The CloudEvent id the body names, if any, so that signed requests reach past the id check. */
  private static String idOf(byte[] body) {
    try {
      JsonNode id = Json.parse(body, "body").get("id");
      return id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : "fuzz-id";
    } catch (RuntimeException e) {
      return "fuzz-id";
    }
  }
}
