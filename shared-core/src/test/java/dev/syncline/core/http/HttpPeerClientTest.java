package dev.syncline.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.json.Json;
import dev.syncline.core.http.WebhookVerifier.Verification;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Peer;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPeerClientTest {

  /** What the loopback server received. */
  record Received(String method, String path, Map<String, String> headers, byte[] body) {}

  final IngressFixture replica = new IngressFixture();
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final CountDownLatch unblock = new CountDownLatch(1);
  final AtomicReference<Function<Received, HttpResponse>> answer =
      new AtomicReference<>(r -> HttpResponse.json(200, "{\"outcome\":\"applied\"}"));
  ExecutorService executor;
  HttpServer server;
  Peer peer;

  @BeforeEach
  void startServer() throws IOException {
    executor = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
          exchange.getRequestBody().readAllBytes());
      received.add(r);
      HttpResponse response = answer.get().apply(r);
      response.headers().forEach(exchange.getResponseHeaders()::add);
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    peer = new Peer("gcp-us-east4", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ingress/"));
  }

  @AfterEach
  void stopServer() {
    unblock.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  HttpPeerClient client() {
    return HttpPeerClient.builder(Map.of("gcp-us-east4", IngressFixture.SECRET, "azure-eastus", IngressFixture.OLD_SECRET), replica.now::get)
        .allowPlainHttpToLoopback(true)
        .peers(List.of(peer))
        .build();
  }

  CloudEvent change(String id) {
    return replica.change(id, new RecordKey("user", "42"), new Op.Set("email", JsonValue.ofString("a@b")));
  }

  HttpResponse blockUntilReleased(Received r) {
    try {
      unblock.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return HttpResponse.json(200, "{}");
  }

  @Test
  void deliver_postsAStructuredChange_signedSoTheReceiverVerifiesIt() throws Exception {
    // GIVEN a change
    CloudEvent change = change("chg-1");
    // WHEN it is delivered
    Delivery delivery = client().deliver(peer, change);
    // THEN the peer got a structured-mode POST to {ingress}/events whose signature verifies
    assertThat(delivery).isEqualTo(new Delivery.Delivered());
    Received r = received.poll(10, TimeUnit.SECONDS);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/ingress/events");
    assertThat(r.headers().get("content-type")).startsWith("application/cloudevents+json");
    assertThat(ChangeEvents.read(Json.readCloudEvent(r.body())).id()).isEqualTo("chg-1");
    assertThat(r.headers()).containsEntry("webhook-id", "chg-1")
        .containsEntry("webhook-timestamp", Long.toString(IngressFixture.START_MILLIS / 1000));
    assertThat(new WebhookVerifier(List.of(IngressFixture.SECRET), replica.now::get).verify(r.headers(), r.body()))
        .isEqualTo(new Verification.Verified("chg-1", IngressFixture.START_MILLIS / 1000));
    // ... with the receiver's secret only
    assertThat(new WebhookVerifier(List.of(IngressFixture.OLD_SECRET), replica.now::get).verify(r.headers(), r.body()))
        .isInstanceOf(Verification.Failed.class);
  }

  @Test
  void deliver_mapsStatusesToDeliveries() {
    HttpPeerClient client = client();
    Map<HttpResponse, Delivery> cases =
        Map.of(
            new HttpResponse(204, Map.of(), null), new Delivery.Delivered(),
            Problem.of(400, "malformed-event", "Malformed event", "x").toResponse(), new Delivery.Refused(400, "Malformed event"),
            new HttpResponse(413, Map.of(), null), new Delivery.Refused(413, "HTTP 413"),
            new HttpResponse(415, Map.of(), "not json".getBytes(StandardCharsets.UTF_8)), new Delivery.Refused(415, "HTTP 415"),
            Problem.of(401, "invalid-signature", "Invalid webhook signature", null).toResponse(),
            new Delivery.Retry("HTTP 401: Invalid webhook signature"),
            Problem.of(409, "ahead-of-receiver", "Ahead of this replica", "x").toResponse(),
            new Delivery.Retry("HTTP 409: Ahead of this replica"),
            new HttpResponse(429, Map.of("Retry-After", "1"), null), new Delivery.Retry("HTTP 429"),
            Problem.of(500, "internal", "Internal error", null).toResponse(), new Delivery.Retry("HTTP 500: Internal error"),
            new HttpResponse(503, Map.of(), null), new Delivery.Retry("HTTP 503"));
    cases.forEach((response, expected) -> {
      // GIVEN a peer answering this
      answer.set(r -> response);
      // WHEN a change is delivered THEN it maps as expected
      assertThat(client.deliver(peer, change("chg-1"))).as("HTTP %d", response.status()).isEqualTo(expected);
    });
  }

  @Test
  void deliver_returnsRetry_whenNothingListens() throws IOException {
    // GIVEN a loopback port nothing listens on
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Peer gone = new Peer("gcp-us-east4", URI.create("http://127.0.0.1:" + port));
    // WHEN a change is delivered THEN it is to be retried
    assertThat(client().deliver(gone, change("chg-1"))).isInstanceOf(Delivery.Retry.class);
  }

  @Test
  void deliver_returnsRetry_whenThePeerDoesNotAnswerInTime() {
    // GIVEN a peer that holds the request, and a client waiting 200 ms at most
    answer.set(this::blockUntilReleased);
    HttpPeerClient impatient =
        HttpPeerClient.builder(Map.of("gcp-us-east4", IngressFixture.SECRET), replica.now::get)
            .allowPlainHttpToLoopback(true)
            .requestTimeout(Duration.ofMillis(200))
            .build();
    // WHEN a change is delivered THEN it times out into a retry
    assertThat(impatient.deliver(peer, change("chg-1")))
        .isInstanceOfSatisfying(Delivery.Retry.class, r -> assertThat(r.reason()).contains("Timeout"));
  }

  @Test
  void deliver_returnsRetry_andKeepsTheInterruptFlag_whenInterrupted() {
    // GIVEN a peer that holds the request, and an interrupted caller
    answer.set(this::blockUntilReleased);
    Thread.currentThread().interrupt();
    // WHEN a change is delivered
    Delivery delivery = client().deliver(peer, change("chg-1"));
    // THEN it is to be retried and the thread is still interrupted
    assertThat(Thread.interrupted()).isTrue();
    assertThat(delivery).isEqualTo(new Delivery.Retry("interrupted"));
  }

  @Test
  void deliver_reachesTheRealIngress_whichAppliesTheChange() {
    // GIVEN the loopback server serving a replica's IngressHandler
    answer.set(r -> replica.handler.handle(new HttpRequest(r.method(), r.path().substring("/ingress".length()), r.headers(), r.body())));
    // WHEN a change is delivered THEN it is applied there
    assertThat(client().deliver(peer, change("chg-1"))).isEqualTo(new Delivery.Delivered());
    assertThat(replica.records.keys()).containsExactly(new RecordKey("user", "42"));
  }

  @Test
  void deliver_retriesAChangeStampedTooFarAheadOfTheReceiver_andItIsTakenOnceTheReceiverCatchesUp() {
    // GIVEN the real ingress, and a change holding a stamp a day and an hour ahead of its clock
    // (merged from a third replica whose clock runs fast; the request itself is signed now)
    answer.set(r -> replica.handler.handle(new HttpRequest(r.method(), r.path().substring("/ingress".length()), r.headers(), r.body())));
    CloudEvent ahead = replica.changeStampedAt(replica.now.get() + Duration.ofHours(25).toMillis(), "chg-ahead",
        new RecordKey("user", "42"), new Op.Set("email", JsonValue.ofString("a@b")));
    // WHEN it is delivered THEN it is to be retried, not refused, and nothing is merged yet
    assertThat(client().deliver(peer, ahead)).isEqualTo(new Delivery.Retry("HTTP 409: Ahead of this replica"));
    assertThat(replica.records.keys()).isEmpty();
    // WHEN two hours pass and it is delivered again THEN it is applied
    replica.now.addAndGet(Duration.ofHours(2).toMillis());
    assertThat(client().deliver(peer, ahead)).isEqualTo(new Delivery.Delivered());
    assertThat(replica.records.keys()).containsExactly(new RecordKey("user", "42"));
  }

  @Test
  void build_rejectsPlainHttp_exceptToLoopbackWhenAllowed() {
    var builder = HttpPeerClient.builder(Map.of("aws-us-east-1", IngressFixture.SECRET), replica.now::get);
    Peer loopback = new Peer("aws-us-east-1", URI.create("http://127.0.0.1:8443"));
    // plain http to a remote host: never
    assertThatThrownBy(() -> builder.allowPlainHttpToLoopback(true)
            .peers(List.of(new Peer("aws-us-east-1", URI.create("http://example.com")))).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://");
    // plain http to loopback: only with the flag
    assertThatThrownBy(() -> builder.allowPlainHttpToLoopback(false).peers(List.of(loopback)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aws-us-east-1");
    assertThat(builder.allowPlainHttpToLoopback(true).peers(List.of(loopback)).build()).isNotNull();
    // https anywhere: always
    assertThat(builder.allowPlainHttpToLoopback(false)
            .peers(List.of(new Peer("aws-us-east-1", URI.create("https://example.com/x")))).build())
        .isNotNull();
    // and the check also guards deliver
    HttpPeerClient strict = HttpPeerClient.builder(Map.of("aws-us-east-1", IngressFixture.SECRET), replica.now::get).build();
    assertThatThrownBy(() -> strict.deliver(loopback, change("chg-1"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(received).isEmpty();
  }

  @Test
  void isLoopback_acceptsOnlyLiteralLoopbackAddresses() {
    for (String host : List.of("127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "[::1]", "[0:0:0:0:0:0:0:1]")) {
      assertThat(HttpPeerClient.isLoopback(host)).as(host).isTrue();
    }
    for (String host : List.of("10.0.0.1", "128.0.0.1", "127.0.0.1.nip.io", "localhost.example.com", "127.0.0.256", "[::2]", "example.com")) {
      assertThat(HttpPeerClient.isLoopback(host)).as(host).isFalse();
    }
  }

  @Test
  void build_rejectsMalformedSecrets_aPeerWithoutOne_andBadTimeouts() {
    assertThatThrownBy(() -> HttpPeerClient.builder(Map.of("gcp-us-east4", "not-a-secret"), replica.now::get).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gcp-us-east4").hasMessageNotContaining("not-a-secret");
    assertThatThrownBy(() -> HttpPeerClient.builder(Map.of(), replica.now::get).allowPlainHttpToLoopback(true).peers(List.of(peer)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no signing secret");
    assertThatThrownBy(() -> HttpPeerClient.builder(Map.of("gcp-us-east4", IngressFixture.SECRET), replica.now::get)
            .requestTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deliver_signsWithTheReceiversSecret_soAnotherReplicaRefusesTheSameRequest() throws Exception {
    // GIVEN a client that knows gcp's secret (SECRET) and azure's (OLD_SECRET)
    Delivery delivery = client().deliver(peer, change("chg-9"));
    Received r = received.poll(10, TimeUnit.SECONDS);
    // THEN the request to gcp verifies with gcp's secret and not with azure's
    assertThat(delivery).isEqualTo(new Delivery.Delivered());
    assertThat(new WebhookVerifier(List.of(IngressFixture.SECRET), replica.now::get).verify(r.headers(), r.body()))
        .isInstanceOf(Verification.Verified.class);
    assertThat(new WebhookVerifier(List.of(IngressFixture.OLD_SECRET), replica.now::get).verify(r.headers(), r.body()))
        .isInstanceOf(Verification.Failed.class);
  }
}
