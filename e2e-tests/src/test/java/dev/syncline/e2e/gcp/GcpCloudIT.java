package dev.syncline.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.SharedSandbox;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Emulators;
import dev.syncline.e2e.sandbox.IngressClient;
import dev.syncline.e2e.sandbox.Intents;
import dev.syncline.e2e.sandbox.Layout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Google Cloud replica hosted as Cloud Functions hosts it, on the Bigtable emulator: intents
 * delivered by a Pub/Sub push subscription, reads through the ingress, the scheduled drain.
 */
class GcpCloudIT {

  private static final String REPLICA = "gcp-us-east4";

  private static Layout layout;
  private static Emulators emulators;
  private static GcpCloud cloud;
  private static IngressClient ingress;
  private static long startMillis;

  @BeforeAll
  static void startCloud() {
    SharedSandbox.close(); // not to share the machine with its schedules
    layout = Layout.detect();
    emulators = Emulators.start(layout);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    Map<String, String> env = new HashMap<>(emulators.gcpEnv());
    env.put("SYNCLINE_REPLICA_ID", REPLICA);
    env.put("SYNCLINE_SECRETS", secret);
    env.put("SYNCLINE_PEERS", "");
    long t0 = System.nanoTime();
    cloud = GcpCloud.start(new CloudSpec("gcp", REPLICA, env, List.of("-Xmx256m"), layout));
    startMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("GcpCloud.start: %d ms (three invoker processes listening)%n", startMillis);
    ingress = new IngressClient(cloud.ingress(), secret, null);
  }

  /**
   * Each function builds its replica on its first request, as on Cloud Run: this prints what that
   * costs, the three functions warming up at once.
   */
  @BeforeAll
  static void firstRequests() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<String> intent = pool.submit(timed("intent", () ->
          cloud.busTarget().deliver(Intents.write("first-" + newId(), "user/first-" + newId(), Intents.ops(Intents.incr("n", 1))), 1)));
      Future<String> read = pool.submit(timed("ingress", () -> ingress.record("user", "first").statusCode()));
      Future<String> drain = pool.submit(timed("drain", () -> {
        cloud.drain();
        return 200;
      }));
      System.out.printf("first requests: %s, %s, %s%n", intent.get(), read.get(), drain.get());
    } finally {
      pool.shutdown();
    }
  }

  private static Callable<String> timed(String function, Callable<Integer> request) {
    return () -> {
      long t0 = System.nanoTime();
      int status = request.call();
      return String.format("%s %d ms (HTTP %d)", function, (System.nanoTime() - t0) / 1_000_000, status);
    };
  }

  @AfterAll
  static void stopCloud() {
    if (cloud != null) {
      cloud.close();
    }
    if (emulators != null) {
      emulators.close();
    }
  }

  private static String newId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode fields(String entity, String id) throws IOException {
    HttpResponse<String> r = ingress.record(entity, id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Http.JSON.readTree(r.body()).get("fields");
  }

  @Test
  void cloud_namesItsReplica() {
    assertThat(cloud.name()).isEqualTo("gcp");
    assertThat(cloud.replicaId()).isEqualTo(REPLICA);
    assertThat(cloud.ingress().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void busTarget_appliesAnIntent_thatTheIngressServes() throws Exception {
    // GIVEN an intent for user/42
    byte[] intent = Intents.write("set-" + newId(), "user/42", Intents.ops(Intents.set("email", "ada@example.com")));

    // WHEN the push subscription delivers it to the intent function
    int status = cloud.busTarget().deliver(intent, 1);

    // THEN it is acknowledged and visible through the ingress
    assertThat(status).isBetween(200, 299);
    assertThat(fields("user", "42").get("email").asText()).isEqualTo("ada@example.com");
  }

  @Test
  void busTarget_countsAnIntentOnce_whenItIsDeliveredAgain() throws Exception {
    // GIVEN an increment delivered once
    String id = "c-" + newId();
    byte[] intent = Intents.write("incr-" + id, "user/" + id, Intents.ops(Intents.incr("logins", 1)));
    assertThat(cloud.busTarget().deliver(intent, 1)).isBetween(200, 299);

    // WHEN Pub/Sub redelivers the message, and the application publishes it a second time
    int redelivered = cloud.busTarget().deliver(intent, 2);
    int republished = cloud.busTarget().deliver(intent.clone(), 1);

    // THEN both are acknowledged and the counter is exact
    assertThat(redelivered).isBetween(200, 299);
    assertThat(republished).isBetween(200, 299);
    assertThat(fields("user", id).get("logins").asLong()).isEqualTo(1);
  }

  @Test
  void ingress_refusesAnUnsignedRead_withProblemJson() throws Exception {
    HttpResponse<String> r = ingress.send(HttpRequest.newBuilder(cloud.ingress().resolve("/records/user/42")).GET().build());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(Http.JSON.readTree(r.body()).get("status").asInt()).isEqualTo(401);
  }

  /**
   * Cloud Run sends one instance many requests at once (request concurrency above one); the
   * invoker must not serve them one after another. A request announces its body with
   * {@code Expect: 100-continue}; Jetty answers {@code 100 Continue} once the function reads the
   * body, so from then on a function call is blocked waiting for it. A read sent meanwhile must be
   * answered.
   */
  @Test
  void ingress_answersARead_whileAFunctionCallWaitsForItsBody() throws Exception {
    try (Socket held = new Socket("127.0.0.1", cloud.ingress().getPort())) {
      // GIVEN a request whose function call is reading a body that has not been sent
      held.setSoTimeout(30_000);
      OutputStream out = held.getOutputStream();
      out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cloudevents+json\r\n"
          + "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(held.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("HTTP/1.1 100");
      skipHeaders(in);

      // WHEN a read arrives meanwhile
      ExecutorService reader = Executors.newSingleThreadExecutor();
      Future<Integer> read = reader.submit(() -> ingress.record("user", "42").statusCode());

      // THEN it is answered while the first call still waits, which then completes too
      try {
        assertThat(read.get(30, TimeUnit.SECONDS)).isIn(200, 404);
      } finally {
        reader.shutdownNow();
      }
      out.write("{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(in.readLine()).startsWith("HTTP/1.1 401"); // it was never signed
    }
  }

  private static void skipHeaders(BufferedReader in) throws IOException {
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      // an interim response's header
    }
  }

  @Test
  void drain_runs_asCloudSchedulerCallsIt() throws Exception {
    cloud.drain(); // throws unless the drain function answers 2xx
  }

  @Test
  void antiEntropy_runs_asCloudSchedulerCallsIt() throws Exception {
    cloud.antiEntropy(); // throws unless the anti-entropy function answers 2xx (no peers: an empty round)
  }

  @Test
  void busTarget_appliesConcurrentDeliveries_toDistinctRecords() throws Exception {
    // GIVEN 20 intents for 20 records
    String batch = newId();
    List<Callable<Integer>> deliveries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] intent = Intents.write("p-" + batch + "-" + i, "user/p-" + batch + "-" + i, Intents.ops(Intents.add("tags", "t" + i)));
      deliveries.add(() -> cloud.busTarget().deliver(intent, 1));
    }

    // WHEN they are pushed all at once
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<Integer>> statuses;
    try {
      statuses = pool.invokeAll(deliveries);
    } finally {
      pool.shutdown();
    }

    // THEN every one is acknowledged and applied
    for (Future<Integer> status : statuses) {
      assertThat(status.get()).isBetween(200, 299);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(fields("user", "p-" + batch + "-" + i).get("tags").get(0).asText()).isEqualTo("t" + i);
    }
  }

  /**
   * Not a timing assertion: prints the latency of one delivery, of one ingress read and of one
   * webhook handshake at a time (p50, p90, p99) and the deliveries per second one intent process sustains with 16 in flight,
   * four increments per record so that concurrent writes to one row race, and checks that every
   * one counted once.
   */
  @Test
  void busTarget_measuresLatencyAndThroughput_andCountsConcurrentIncrementsExactly() throws Exception {
    String run = newId();
    for (int i = 0; i < 20; i++) { // warm-up: the replica and the JIT
      assertThat(cloud.busTarget().deliver(Intents.write("w-" + run + "-" + i, "user/w-" + run + "-" + i,
          Intents.ops(Intents.incr("n", 1))), 1)).isBetween(200, 299);
    }

    long[] latencies = new long[100];
    for (int i = 0; i < latencies.length; i++) {
      byte[] intent = Intents.write("l-" + run + "-" + i, "user/l-" + run + "-" + i, Intents.ops(Intents.incr("n", 1)));
      long t0 = System.nanoTime();
      assertThat(cloud.busTarget().deliver(intent, 1)).isBetween(200, 299);
      latencies[i] = System.nanoTime() - t0;
    }
    Arrays.sort(latencies);
    long[] reads = new long[100];
    for (int i = 0; i < reads.length; i++) {
      long t0 = System.nanoTime();
      assertThat(ingress.record("user", "l-" + run + "-" + i).statusCode()).isEqualTo(200);
      reads[i] = System.nanoTime() - t0;
    }
    Arrays.sort(reads);
    long[] handshakes = new long[100];
    for (int i = 0; i < handshakes.length; i++) {
      HttpRequest options = HttpRequest.newBuilder(cloud.ingress().resolve("/events"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("WebHook-Request-Origin", "sandbox.example").build();
      long t0 = System.nanoTime();
      assertThat(ingress.send(options).statusCode()).isEqualTo(200);
      handshakes[i] = System.nanoTime() - t0;
    }
    Arrays.sort(handshakes);

    int records = 100;
    int total = 4 * records;
    int inFlight = 16;
    List<Callable<Integer>> deliveries = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      byte[] intent = Intents.write("t-" + run + "-" + i, "user/t-" + run + "-" + (i % records), Intents.ops(Intents.incr("n", 1)));
      deliveries.add(() -> cloud.busTarget().deliver(intent, 1));
    }
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    long t0 = System.nanoTime();
    List<Future<Integer>> statuses;
    try {
      statuses = pool.invokeAll(deliveries);
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long acknowledged = 0;
    for (Future<Integer> status : statuses) {
      acknowledged += status.get() / 100 == 2 ? 1 : 0;
    }

    System.out.printf("one delivery at a time: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d deliveries)%n",
        millis(latencies, 0.50), millis(latencies, 0.90), millis(latencies, 0.99), latencies.length);
    System.out.printf("one signed ingress read at a time: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d reads)%n",
        millis(reads, 0.50), millis(reads, 0.90), millis(reads, 0.99), reads.length);
    System.out.printf("webhook handshake (no storage, the hosting's own cost): p50 %.1f ms, p90 %.1f ms (%d requests)%n",
        millis(handshakes, 0.50), millis(handshakes, 0.90), handshakes.length);
    System.out.printf("%d in flight: %d deliveries in %.2f s = %.0f/s (%d acknowledged, %d records)%n",
        inFlight, total, seconds, total / seconds, acknowledged, records);
    assertThat(acknowledged).isEqualTo(total);
    for (int r = 0; r < records; r++) {
      assertThat(fields("user", "t-" + run + "-" + r).get("n").asLong()).as("record %d", r).isEqualTo(total / records);
    }
  }

  private static double millis(long[] sortedNanos, double quantile) {
    return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(quantile * sortedNanos.length))] / 1e6;
  }

  @Test
  void start_failsWithTheEndOfTheLog_whenAFunctionProcessDies() {
    CloudSpec broken = new CloudSpec("gcp-broken", REPLICA, Map.of(), List.of("-XX:+NoSuchSynclineOption"), layout);

    assertThatThrownBy(() -> GcpCloud.start(broken))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gcp-broken-intent exited")
        .hasMessageContaining("NoSuchSynclineOption");
  }
}
