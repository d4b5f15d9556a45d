package dev.syncline.e2e.aws;

import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.sandbox.CloudSpec;
import dev.syncline.e2e.sandbox.Emulators;
import dev.syncline.e2e.sandbox.IngressClient;
import dev.syncline.e2e.sandbox.Intents;
import dev.syncline.e2e.sandbox.Layout;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures {@link AwsCloud} on dynalite (not run by CI): start time, cold first invocations,
 * sequential latencies, then an open load of EventBridge intents and signed {@code POST /events}
 * through the Function URL (by default 33/s and 67/s, one cloud's share of the sandbox's 100
 * intents/s), a warm-up round and a measured round. {@code -Dprobe.peerDelayMs=200} adds a peer
 * that answers forwarded changes after that delay, so that intents are I/O-bound.
 * <pre>
 * mvn -B -q -o -pl e2e-tests exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.syncline.e2e.aws.AwsCloudLoadProbe -Dsyncline.root=$PWD [-Dprobe.seconds=20]
 * </pre>
 */
public final class AwsCloudLoadProbe {

  private AwsCloudLoadProbe() {}

  public static void main(String[] args) throws Exception {
    // before the first JDK HttpServer of this JVM (the slow peer's): see AwsCloud
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int seconds = Integer.getInteger("probe.seconds", 20);
    int intentsPerSecond = Integer.getInteger("probe.intentsPerSecond", 33);
    int postsPerSecond = Integer.getInteger("probe.postsPerSecond", 67);
    int peerDelay = Integer.getInteger("probe.peerDelayMs", -1);
    Layout layout = Layout.detect();
    try (Emulators emulators = Emulators.start(layout)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
      Map<String, String> env = new HashMap<>(emulators.awsEnv());
      env.put("SYNCLINE_REPLICA_ID", "aws-us-east-1");
      env.put("SYNCLINE_SECRETS", secret);
      env.put("SYNCLINE_PEERS", "");
      HttpServer peer = null;
      if (peerDelay >= 0) {
        peer = slowPeer(peerDelay);
        env.put("SYNCLINE_PEERS", "gcp-us-east4=http://127.0.0.1:" + peer.getAddress().getPort());
        env.put("SYNCLINE_SECRETS", secret + ",gcp-us-east4=" + secret);
        env.put("SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "true");
      }
      long t0 = System.nanoTime();
      try (AwsCloud cloud = AwsCloud.start(new CloudSpec("aws", "aws-us-east-1", env, List.of("-Xmx256m"), layout))) {
        System.out.printf("start: %d ms%n", millisSince(t0));
        IngressClient ingress = new IngressClient(cloud.ingress(), secret, null);
        t0 = System.nanoTime();
        cloud.busTarget().deliver(Intents.write(UUID.randomUUID().toString(), "user/cold", Intents.ops(Intents.incr("n", 1))), 1);
        System.out.printf("first intent (cold start): %d ms%n", millisSince(t0));
        t0 = System.nanoTime();
        ingress.record("user", "cold");
        System.out.printf("first ingress request (cold start): %d ms%n", millisSince(t0));
        sequential(cloud, ingress);
        for (String round : List.of("warm-up", "measured")) {
          load(round, cloud, ingress, seconds, intentsPerSecond, postsPerSecond);
        }
      } finally {
        if (peer != null) {
          peer.stop(0);
        }
      }
    }
    System.exit(0);
  }

  private static void sequential(AwsCloud cloud, IngressClient ingress) throws Exception {
    for (int round = 1; round <= 2; round++) {
      List<Long> intents = new ArrayList<>();
      List<Long> gets = new ArrayList<>();
      List<Long> posts = new ArrayList<>();
      List<Long> drains = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long t = System.nanoTime();
        cloud.busTarget().deliver(Intents.write(UUID.randomUUID().toString(), "user/s" + i, Intents.ops(Intents.incr("n", 1))), 1);
        intents.add(System.nanoTime() - t);
        t = System.nanoTime();
        ingress.record("user", "s" + i);
        gets.add(System.nanoTime() - t);
        t = System.nanoTime();
        String id = UUID.randomUUID().toString();
        ingress.postStructured(id, Intents.write(id, "user/q" + i, Intents.ops(Intents.incr("m", 1))));
        posts.add(System.nanoTime() - t);
        if (i % 10 == 0) {
          t = System.nanoTime();
          cloud.drain();
          drains.add(System.nanoTime() - t);
        }
      }
      System.out.printf("sequential round %d: intent %s | GET %s | POST %s | drain %s%n", round, stats(intents), stats(gets),
          stats(posts), stats(drains));
    }
  }

  private static void load(String round, AwsCloud cloud, IngressClient ingress, int seconds, int intentsPerSecond,
      int postsPerSecond) throws InterruptedException {
    ConcurrentLinkedQueue<Long> intents = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> posts = new ConcurrentLinkedQueue<>();
    AtomicInteger failures = new AtomicInteger();
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    ExecutorService workers = Executors.newCachedThreadPool();
    timer.scheduleAtFixedRate(() -> workers.execute(() -> {
      long t = System.nanoTime();
      try {
        byte[] intent = Intents.write(UUID.randomUUID().toString(), "user/u" + (t % 50),
            Intents.ops(Intents.incr("n", 1), Intents.set("email", "x" + t)));
        if (cloud.busTarget().deliver(intent, 1) != 200) {
          failures.incrementAndGet();
        }
      } catch (Exception e) {
        failures.incrementAndGet();
      }
      intents.add(System.nanoTime() - t);
    }), 0, 1_000_000 / intentsPerSecond, TimeUnit.MICROSECONDS);
    timer.scheduleAtFixedRate(() -> workers.execute(() -> {
      long t = System.nanoTime();
      try {
        String id = UUID.randomUUID().toString();
        if (ingress.postStructured(id, Intents.write(id, "user/p" + (t % 50), Intents.ops(Intents.incr("m", 1)))).statusCode() != 200) {
          failures.incrementAndGet();
        }
      } catch (Exception e) {
        failures.incrementAndGet();
      }
      posts.add(System.nanoTime() - t);
    }), 0, 1_000_000 / postsPerSecond, TimeUnit.MICROSECONDS);
    timer.schedule(timer::shutdown, seconds, TimeUnit.SECONDS);
    timer.awaitTermination(seconds + 10L, TimeUnit.SECONDS);
    workers.shutdown();
    workers.awaitTermination(120, TimeUnit.SECONDS);
    System.out.printf("%s load, %d s: intent %s | POST %s | failures %d%n", round, seconds, stats(intents), stats(posts), failures.get());
  }

  private static HttpServer slowPeer(int delayMillis) {
    HttpServer peer = Http.loopbackServer("slow-peer");
    ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    peer.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      delays.schedule(() -> {
        Http.send(exchange, 200, "application/json", "{\"outcome\":\"applied\"}".getBytes(StandardCharsets.UTF_8));
        return null;
      }, delayMillis, TimeUnit.MILLISECONDS);
    });
    peer.start();
    return peer;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static String stats(Iterable<Long> nanos) {
    List<Long> micros = new ArrayList<>();
    nanos.forEach(n -> micros.add(n / 1_000));
    Collections.sort(micros);
    if (micros.isEmpty()) {
      return "none";
    }
    return String.format("n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f ms", micros.size(), micros.get(micros.size() / 2) / 1000.0,
        micros.get(micros.size() * 9 / 10) / 1000.0, micros.get(micros.size() * 99 / 100) / 1000.0,
        micros.get(micros.size() - 1) / 1000.0);
  }
}
