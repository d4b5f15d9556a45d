package dev.syncline.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.RecordKey;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.json.Json;
import dev.syncline.core.memory.InMemoryConflictSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.RecordStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** One replica ({@code gcp-us-east4}) behind an {@link IngressHandler}, on in-memory ports. */
final class IngressFixture {

  static final String SECRET = secret((byte) 7);
  static final String OLD_SECRET = secret((byte) 9);
  static final String ORIGIN = "aws-us-east-1";
  static final long START_MILLIS = 1_764_158_400_000L;

  final AtomicLong now = new AtomicLong(START_MILLIS);
  final InMemoryRecordStore records = new InMemoryRecordStore();
  final InMemoryDedupeStore dedupe = new InMemoryDedupeStore();
  final InMemoryMetrics metrics = new InMemoryMetrics();
  final SyncEngine engine;
  final WebhookVerifier verifier;
  final IngressHandler handler;

  IngressFixture() {
    this(Schemas.inferred(), store -> store, IngressHandler.DEFAULT_MAX_IN_FLIGHT);
  }

  /** @param wrap wraps the record store, to inject failures or block */
  IngressFixture(Schemas schemas, UnaryOperator<RecordStore> wrap, int maxInFlight) {
    engine =
        new SyncEngine(
            ReplicaConfig.of("gcp-us-east4", List.of()).withSchemas(schemas),
            wrap.apply(records),
            dedupe,
            new HybridLogicalClock(now::get, 300_000),
            metrics,
            new InMemoryConflictSink(),
            ConflictHandler.KEEP_SIBLINGS);
    verifier = new WebhookVerifier(List.of(SECRET, OLD_SECRET), now::get);
    handler = new IngressHandler(engine, verifier, maxInFlight);
  }

  static String secret(byte fill) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, fill);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  /** A change written at {@link #ORIGIN}: {@code ops} applied to an empty record. */
  CloudEvent change(String changeId, RecordKey key, Op... ops) {
    return changeStampedAt(now.get(), changeId, key, ops);
  }

  /** A change written at {@link #ORIGIN} with its ops stamped at {@code wallMillis}. */
  CloudEvent changeStampedAt(long wallMillis, String changeId, RecordKey key, Op... ops) {
    RecordState delta =
        RecordState.EMPTY
            .apply(key.entity(), List.of(ops), ORIGIN, new Hlc(wallMillis, 0), Schemas.inferred())
            .delta();
    return ChangeEvents.build(ORIGIN, key, changeId, now.get(), delta, null);
  }

  /** A write intent from an app, with {@code data} as its JSON data. */
  static CloudEvent intent(String id, String subject, String data) {
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("/apps/signup"))
        .withType(WriteIntent.TYPE)
        .withSubject(subject)
        .withDataContentType("application/json")
        .withData(data.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  HttpRequest structured(CloudEvent event) {
    HttpMessage message = ChangeEvents.toStructured(event);
    return signed("POST", "/events", event.getId(), message.headers(), message.body(), SECRET);
  }

  HttpRequest get(String path) {
    return signed("GET", path, "get-" + path, Map.of(), new byte[0], SECRET);
  }

  /**
   * A request with Standard Webhooks headers, stamped with the fixture's clock: over {@code body}
   * for a POST, over {@code GET <path>} for a GET (DESIGN section 6).
   */
  HttpRequest signed(
      String method, String path, String webhookId, Map<String, String> headers, byte[] body, String secret) {
    long seconds = now.get() / 1000;
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("webhook-id", webhookId);
    all.put("webhook-timestamp", Long.toString(seconds));
    byte[] payload = method.equals("GET") ? ("GET " + path).getBytes(StandardCharsets.UTF_8) : body;
    all.put("webhook-signature", WebhookSignature.sign(secret, webhookId, seconds, payload));
    return new HttpRequest(method, path, all, body);
  }

  static JsonNode json(HttpResponse response) {
    return Json.parse(response.body(), "answer");
  }

  /** Asserts an RFC 9457 problem answer with {@code status}; returns its JSON. */
  static JsonNode assertProblem(HttpResponse response, int status) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.header("content-type")).contains(Problem.CONTENT_TYPE);
    JsonNode problem = json(response);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).startsWith(Problem.TYPE_PREFIX);
    assertThat(problem.get("title").asText()).isNotBlank();
    return problem;
  }
}
