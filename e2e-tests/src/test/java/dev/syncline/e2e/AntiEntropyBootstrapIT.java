package dev.syncline.e2e;

import static dev.syncline.e2e.sandbox.Intents.add;
import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.bus.BusListener;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.ProxyListener;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cloud added to a running deployment bootstraps by anti-entropy alone: AWS and Azure run wired
 * only to each other and take 500 records through their buses; then Google Cloud is deployed on
 * empty tables and every cloud redeployed with the three wired together. Without a new write,
 * Google Cloud comes to serve every record byte for byte. The bootstrap's throughput is printed.
 *
 * <p>It runs a sandbox of its own (started with {@link Sandbox.Options#joinLater}), after closing
 * the shared one if it runs, so that two sandboxes never share the machine.
 */
class AntiEntropyBootstrapIT {

  private static final int RECORDS = Integer.getInteger("bootstrap.records", 500);
  private static final Duration WRITE = Duration.ofMinutes(3);
  private static final Duration BOOTSTRAP = Duration.ofMinutes(5);

  private static Sandbox sandbox;
  private static ExecutorService readers;

  @BeforeAll
  static void startWithoutGcp() {
    SharedSandbox.close();
    sandbox = Sandbox.start(Long.getLong("sandbox.seed", 11L), System.out, Sandbox.Options.joinLater("gcp"));
    readers = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stop() {
    if (readers != null) {
      readers.shutdownNow();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void aCloudAddedToARunningDeploymentBecomesByteIdentical_withoutANewWrite() throws Exception {
    // GIVEN AWS and Azure, wired only to each other, with 500 records written through their buses
    assertThat(sandbox.wired()).containsExactlyInAnyOrder("aws", "azure");
    List<Ref> refs = new ArrayList<>();
    List<CompletableFuture<Long>> applied = new ArrayList<>();
    long writing = System.nanoTime();
    for (int i = 0; i < RECORDS; i++) {
      Ref ref = new Ref("item", String.format("boot-%04d", i));
      refs.add(ref);
      String intent = "boot-" + UUID.randomUUID();
      applied.add(sandbox.delivered(intent));
      sandbox.publish(i % 2 == 0 ? "aws" : "azure", write(intent, ref.toString(),
          ops(set("name", "record " + i), incr("stock", i), add("tags", "t" + i % 7))));
    }
    CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new)).get(WRITE.toMillis(), TimeUnit.MILLISECONDS);
    Map<Ref, String> expected = awaitIdentical(refs, List.of("aws", "azure"), WRITE);
    System.out.printf("[bootstrap] %d records written through the AWS and Azure buses and identical on both, %.1f s%n",
        RECORDS, (System.nanoTime() - writing) / 1e9);
    AtomicInteger writesSince = new AtomicInteger();
    BusListener anyDelivery = new BusListener() {
      @Override
      public void delivered(String bus, String eventId, int attempt, long publishedNanos, long ackedNanos) {
        writesSince.incrementAndGet();
      }
    };
    sandbox.addListener(anyDelivery);

    // WHEN Google Cloud joins with empty tables, and all three are redeployed wired together
    Transfers toGcp = new Transfers();
    sandbox.addListener(toGcp);
    long joining = System.nanoTime();
    Duration redeploy = sandbox.join("gcp", System.out);
    long wired = System.nanoTime();

    // THEN, with no new write, anti-entropy brings every record to Google Cloud
    AtomicLong nextReport = new AtomicLong(wired + TimeUnit.SECONDS.toNanos(5));
    await().atMost(BOOTSTRAP).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (System.nanoTime() > nextReport.get()) {
        System.out.printf("[bootstrap] %.0f s: %d of %d records transferred to gcp%n",
            (System.nanoTime() - wired) / 1e9, toGcp.count(refs), RECORDS);
        nextReport.addAndGet(TimeUnit.SECONDS.toNanos(5));
      }
      return toGcp.count(refs) == RECORDS;
    });
    // AND it serves each of them byte for byte
    Set<Ref> pending = ConcurrentHashMap.newKeySet();
    pending.addAll(refs);
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      read(pending, "gcp").forEach((ref, view) -> {
        if (view.statusCode() == 200 && view.body().equals(expected.get(ref))) {
          pending.remove(ref);
        }
      });
      return pending.isEmpty();
    });
    long identical = System.nanoTime();
    long lastTransfer = toGcp.last(refs);
    sandbox.removeListener(toGcp);
    double seconds = (lastTransfer - wired) / 1e9;
    System.out.printf("[bootstrap] gcp joined with empty tables: the last of %d records reached it %.1f s after it was wired, "
            + "%.0f records/s (the redeploy before took %.1f s); all byte-identical on gcp by signed GETs %.1f s after it was wired%n",
        RECORDS, seconds, RECORDS / seconds, redeploy.toMillis() / 1e3, (identical - wired) / 1e9);
    for (String cloud : Sandbox.CLOUDS) {
      Sandbox.ScheduleStats s = sandbox.antiEntropyStats(cloud);
      System.out.printf("[bootstrap] %s anti-entropy schedule so far: %d rounds, %d ticks skipped (%d calls in flight), %d failed%n",
          cloud, s.rounds(), s.skipped(), Sandbox.ROUNDS_IN_FLIGHT, s.failed());
    }
    // AND all three clouds answer the same bytes for all 500, and no intent was written meanwhile
    Map<Ref, String> all = awaitIdentical(refs, Sandbox.CLOUDS, Duration.ofMinutes(2));
    assertThat(all).isEqualTo(expected);
    sandbox.removeListener(anyDelivery);
    assertThat(writesSince.get()).as("intents delivered since gcp was wired").isZero();
  }

  /**
   * When each record first reached Google Cloud by anti-entropy, as the links saw it: a state
   * Google Cloud pulled from a peer ({@code GET /anti-entropy/records/...} answered 200 on a link
   * from gcp), or a repair change a peer pushed to it ({@code POST /events} of an event whose id
   * starts with {@code repair-}, answered 200 on a link to gcp). AWS and Azure hold the same state
   * of every record, so its first transfer makes Google Cloud's copy whole (the pulled state is
   * merged just after the answer; the signed GETs confirm it).
   */
  private static final class Transfers implements ProxyListener {
    private final Map<String, Long> first = new ConcurrentHashMap<>();

    @Override
    public void exchanged(String link, String method, String path, byte[] body, int status, long start, long end) {
      if (status != 200) {
        return;
      }
      if (link.startsWith("gcp->") && method.equals("GET") && path.startsWith(PULL)) {
        first.putIfAbsent(path.substring(PULL.length()), end);
      } else if (link.endsWith("->gcp") && method.equals("POST") && path.equals("/events")) {
        try {
          JsonNode event = Http.JSON.readTree(body);
          if (event.path("id").asText().startsWith("repair-")) {
            first.putIfAbsent(event.path("subject").asText(), end);
          }
        } catch (IOException notJson) {
          // not a structured event: not a repair
        }
      }
    }

    long count(List<Ref> refs) {
      return refs.stream().filter(r -> first.containsKey(r.toString())).count();
    }

    long last(List<Ref> refs) {
      return refs.stream().mapToLong(r -> first.get(r.toString())).max().orElseThrow();
    }
  }

  private static final String PULL = "/anti-entropy/records/";

  /**
   * Reads every record on every cloud until they agree (status 200, the same bytes), re-reading
   * only those that still differ; returns the agreed views.
   */
  private static Map<Ref, String> awaitIdentical(List<Ref> refs, List<String> clouds, Duration timeout) {
    Map<Ref, String> agreed = new ConcurrentHashMap<>();
    Set<Ref> pending = ConcurrentHashMap.newKeySet();
    pending.addAll(refs);
    await().atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      Map<String, Map<Ref, HttpResponse<String>>> byCloud = new LinkedHashMap<>();
      for (String cloud : clouds) {
        byCloud.put(cloud, read(pending, cloud));
      }
      for (Ref ref : List.copyOf(pending)) {
        List<HttpResponse<String>> views = clouds.stream().map(c -> byCloud.get(c).get(ref)).toList();
        String first = views.get(0).body();
        if (views.stream().allMatch(v -> v.statusCode() == 200 && v.body().equals(first))) {
          agreed.put(ref, first);
          pending.remove(ref);
        }
      }
      return pending.isEmpty();
    });
    return agreed;
  }

  /** Signed GETs of these records on one cloud, four at a time. */
  private static Map<Ref, HttpResponse<String>> read(Set<Ref> refs, String cloud) {
    Map<Ref, CompletableFuture<HttpResponse<String>>> reads = new LinkedHashMap<>();
    for (Ref ref : List.copyOf(refs)) {
      reads.put(ref, CompletableFuture.supplyAsync(() -> {
        try {
          return sandbox.client(cloud).record(ref.entity(), ref.id());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, readers));
    }
    Map<Ref, HttpResponse<String>> out = new LinkedHashMap<>();
    reads.forEach((ref, f) -> out.put(ref, f.join()));
    return out;
  }
}
