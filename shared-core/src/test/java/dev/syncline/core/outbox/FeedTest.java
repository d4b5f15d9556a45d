package dev.syncline.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.Replica;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.SynclineException;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.FeedEvents;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.http.Problem;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.json.Json;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.Subscriber;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The change feed as a subscriber sees it: signed events through the outbox, after the webhook
 * handshake, with the signature checked by the receiving side's verifier.
 */
class FeedTest {

  private static final String AWS = "aws-us-east-1";
  private static final String GCP = "gcp-us-east4";
  private static final String AUDIT_SECRET = secret((byte) 3);
  private static final Subscriber AUDIT = new Subscriber("audit", URI.create("https://audit.example/hooks/syncline"));

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();
  private final List<CloudEvent> received = new ArrayList<>();
  private final List<String> methods = new ArrayList<>();
  /** What the subscriber answers a POST with, after checking the signature. */
  private Function<CloudEvent, HttpResponse> answer = event -> new HttpResponse(204, Map.of(), new byte[0]);
  private String allowedOrigin = AWS;

  private static String secret(byte fill) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, fill);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  /** The subscriber: a handshake, then signed structured-mode events. */
  private HttpResponse subscriber(URI target, HttpRequest request) throws IOException {
    assertThat(target).isEqualTo(AUDIT.url());
    methods.add(request.method());
    if (request.method().equals("OPTIONS")) {
      assertThat(request.header(HttpPeerClient.WEBHOOK_REQUEST_ORIGIN)).contains(AWS);
      return new HttpResponse(200, Map.of(HttpPeerClient.WEBHOOK_ALLOWED_ORIGIN, allowedOrigin), new byte[0]);
    }
    WebhookVerifier verifier = new WebhookVerifier(List.of(AUDIT_SECRET), time::get);
    assertThat(verifier.verify(request.headers(), request.body())).isInstanceOf(WebhookVerifier.Verification.Verified.class);
    CloudEvent event = Json.readCloudEvent(request.body());
    HttpResponse response = answer.apply(event);
    if (response.status() < 300) {
      received.add(event);
    }
    return response;
  }

  private Replica aws(List<Peer> peers) {
    return Replica.builder(AWS)
        .peers(peers)
        .subscribers(List.of(AUDIT))
        .secrets(new SigningSecrets(List.of(secret((byte) 1)), Map.of("audit", AUDIT_SECRET, GCP, secret((byte) 2))))
        .stores(new InMemoryRecordStore(), new InMemoryDedupeStore(), deadLetters)
        .clock(time::get)
        .metrics(metrics)
        .transport((target, request, timeout) -> subscriber(target, request))
        .sends(Runnable::run)
        .maxAge(Duration.ofHours(1))
        .build();
  }

  private static byte[] intent(String id, String ops) {
    return Samples.intentJson("/apps/test", id, "product/7", ops);
  }

  private JsonNode data(CloudEvent event) {
    return Json.parse(event.getData().toBytes(), "data");
  }

  @Test
  void aLocalWrite_reachesTheSubscriber_asTheRecordsNewView_afterOneHandshake_onTheScheduledDrain() {
    Replica aws = aws(List.of());

    aws.intents.deliverStructured(intent("i-1", "[{\"op\":\"set\",\"field\":\"name\",\"value\":\"Lamp\"}]"));
    assertThat(methods).isEmpty(); // the intent path forwards to peers only: no webhook delays its acknowledgement
    aws.drain.drainPending(10);
    aws.intents.deliverStructured(intent("i-2", "[{\"op\":\"set\",\"field\":\"price\",\"value\":19.990000000000000000001}]"));
    aws.drain.drainPending(10);

    assertThat(methods).containsExactly("OPTIONS", "POST", "POST");
    assertThat(received).extracting(CloudEvent::getType).containsOnly(FeedEvents.UPDATED_TYPE);
    assertThat(received).extracting(CloudEvent::getSubject).containsOnly("product/7");
    assertThat(received).extracting(CloudEvent::getId).doesNotHaveDuplicates().allMatch(id -> id.startsWith(AWS + ":product/7@"));
    JsonNode last = data(received.get(1));
    assertThat(last.get("fields").get("name").asText()).isEqualTo("Lamp");
    assertThat(last.get("fields").get("price").decimalValue()).isEqualByComparingTo("19.990000000000000000001");
    assertThat(aws.drain.drainPending(10).pending()).isZero();
  }

  @Test
  void aSubscriberThatRefusesTheHandshake_getsNothing_untilItAllowsTheOrigin() {
    Replica aws = aws(List.of());
    allowedOrigin = "someone-else";

    aws.intents.deliverStructured(intent("i-1", "[{\"op\":\"set\",\"field\":\"name\",\"value\":\"Lamp\"}]"));
    time.addAndGet(60_000);
    OutboxDrain.Report waiting = aws.drain.drainPending(10);

    assertThat(received).isEmpty();
    assertThat(methods).containsOnly("OPTIONS");
    assertThat(waiting.feedPending()).isEqualTo(1);
    assertThat(waiting.outboxAgeMillis()).isZero(); // no peer is owed anything: the feed's lag is its own
    assertThat(metrics.feedAge.get()).isEqualTo(60_000);

    allowedOrigin = "*";
    time.addAndGet(60_000);
    aws.drain.drainPending(10);

    assertThat(received).singleElement().satisfies(e -> assertThat(data(e).get("fields").get("name").asText()).isEqualTo("Lamp"));
    assertThat(metrics.feedPending.get()).isZero();
  }

  @Test
  void aFailedDelivery_isRetried_andAnOldOneIsDeadLettered() {
    Replica aws = aws(List.of());
    answer = event -> Problem.of(503, "down", "Down", null).toResponse();

    aws.intents.deliverStructured(intent("i-1", "[{\"op\":\"set\",\"field\":\"name\",\"value\":\"Lamp\"}]"));
    aws.drain.drainPending(10);
    time.addAndGet(30_000);
    aws.drain.drainPending(10);
    assertThat(received).isEmpty();
    assertThat(deadLetters.letters()).isEmpty();

    time.addAndGet(Duration.ofHours(1).toMillis());
    aws.drain.drainPending(10);

    assertThat(deadLetters.letters()).singleElement().satisfies(letter -> {
      assertThat(letter.peer()).isEqualTo("sub.audit");
      assertThat(letter.reason()).isEqualTo("subscriber audit did not take it for longer than PT1H");
    });
    assertThat(aws.drain.drainPending(10).pending()).isZero();
  }

  @Test
  void aConflict_isSentAsAConflictEvent_underTheSameIdWhileItLasts() {
    Replica aws = aws(List.of());
    // Two concurrent sets of one field: the second arrives as a change from GCP that has not seen the first.
    aws.intents.deliverStructured(intent("i-1", "[{\"op\":\"set\",\"field\":\"price\",\"value\":10}]"));
    dev.syncline.core.crdt.RecordState theirs = dev.syncline.core.crdt.RecordState.EMPTY.apply("product",
        List.of(new dev.syncline.core.crdt.Op.Set("price", dev.syncline.core.crdt.JsonValue.of(Json.parse("12", "v")))),
        GCP, new dev.syncline.core.clock.Hlc(time.get(), 0), dev.syncline.core.crdt.Schemas.inferred()).delta();
    received.clear();

    aws.ingress.handle(signedChange(ChangeEvents.build(GCP, new dev.syncline.core.RecordKey("product", "7"), "c-1",
        time.get(), theirs, null)));
    aws.drain.drainPending(10);
    aws.intents.deliverStructured(intent("i-2", "[{\"op\":\"set\",\"field\":\"name\",\"value\":\"Lamp\"}]"));
    aws.drain.drainPending(10);

    List<CloudEvent> conflicts = received.stream().filter(e -> e.getType().equals(ChangeEvents.CONFLICT_TYPE)).toList();
    assertThat(conflicts).hasSize(2);
    assertThat(conflicts.get(0).getId()).isEqualTo(conflicts.get(1).getId());
    JsonNode conflict = data(conflicts.get(0));
    assertThat(conflict.get("field").asText()).isEqualTo("price");
    assertThat(conflict.get("values")).hasSize(2);
    assertThat(received.stream().filter(e -> e.getType().equals(FeedEvents.UPDATED_TYPE))).hasSize(2);
  }

  private dev.syncline.core.http.HttpRequest signedChange(CloudEvent event) {
    ChangeEvents.HttpMessage message = ChangeEvents.toStructured(event);
    long seconds = time.get() / 1000;
    Map<String, String> headers = new java.util.LinkedHashMap<>(message.headers());
    headers.put("webhook-id", event.getId());
    headers.put("webhook-timestamp", Long.toString(seconds));
    headers.put("webhook-signature", dev.syncline.core.http.WebhookSignature.sign(secret((byte) 1), event.getId(), seconds, message.body()));
    return new dev.syncline.core.http.HttpRequest("POST", "/events", headers, message.body());
  }

  @Test
  void aSubscriberWhoseSecretAReplicaVerifiesWith_isRefused() {
    String shared = secret((byte) 1);
    assertThatThrownBy(() -> Replica.builder(AWS)
            .subscribers(List.of(AUDIT))
            .secrets(new SigningSecrets(List.of(shared), Map.of("audit", shared)))
            .stores(new InMemoryRecordStore(), new InMemoryDedupeStore(), deadLetters)
            .clock(time::get)
            .build())
        .isInstanceOf(SynclineException.class)
        .hasMessage("subscriber audit signs with a secret that a replica verifies with; give every subscriber a secret of its own");
  }

  @Test
  void aSubscriberWithoutASecret_orNamedLikeAPeer_isRefusedWhenTheReplicaIsBuilt() {
    assertThatThrownBy(() -> Replica.builder(AWS)
            .subscribers(List.of(AUDIT))
            .secrets(new SigningSecrets(List.of(secret((byte) 1)), Map.of()))
            .stores(new InMemoryRecordStore(), new InMemoryDedupeStore(), deadLetters)
            .clock(time::get)
            .build())
        .isInstanceOf(SynclineException.class)
        .hasMessage("subscriber audit has no signing secret (an entry audit=whsec_... in SYNCLINE_SECRETS)");
    assertThatThrownBy(() -> Replica.builder(AWS)
            .peers(List.of(new Peer(GCP, URI.create("https://gcp.example"))))
            .subscribers(List.of(new Subscriber(GCP, URI.create("https://audit.example"))))
            .secrets(new SigningSecrets(List.of(secret((byte) 1)), Map.of(GCP, secret((byte) 2))))
            .stores(new InMemoryRecordStore(), new InMemoryDedupeStore(), deadLetters)
            .clock(time::get)
            .build())
        .isInstanceOf(SynclineException.class)
        .hasMessageStartingWith("subscriber gcp-us-east4 has the name of a replica or another subscriber");
  }
}
