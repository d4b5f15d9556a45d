package dev.syncline.e2e.report;

import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.bus.BusListener;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.ProxyListener;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Sandbox;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sandbox load run: a steady rate of intents spread over the three clouds' buses, measuring
 * publish-to-visible-everywhere for each.
 *
 * <p>How "visible" is observed, without polling: an intent is visible on its own cloud when the
 * bus gets the intent function's 2xx (it answers after the durable write), and on a peer when the
 * fault proxy on the link from its cloud to that peer relays a 2xx for a change event about its
 * record (a peer acknowledges only after the delta is durably merged, DESIGN §5). Each measured
 * intent writes its own record, so the record identifies the intent. A share of intents instead
 * write a few hot records from every cloud, to produce real same-field conflicts; they are counted
 * but not timed. At the end every hot record and a sample of the others are read back from all
 * three clouds and compared byte for byte.
 */
public final class LoadRun {

  /** What to run. */
  public record Options(int perSecond, int seconds, double hotShare, double duplicateShare, long seed) {
    public static Options defaults() {
      return new Options(100, 60, 0.1, 0.01, 7L);
    }
  }

  /** One second of the run. */
  public record Second(int second, int published, int visible, long pendingPeerDeliveries, double p50) {}

  /** The outcome. */
  public record Result(Options options, int published, int measured, int visibleEverywhere, double p50, double p95,
      double p99, double max, double throughput, int duplicatesPublished, long busRetries, long hotReads,
      long hotReadsInConflict, long conflictSiblingsAtEnd, int sampled, long divergent, List<Second> timeline, Path html) {}

  private static final String[] CLOUDS = Sandbox.CLOUDS.toArray(new String[0]);
  private static final int HOT_RECORDS = 10;
  private static final int SAMPLE = 150;

  /** Per measured intent: when it was published and when each cloud acknowledged it. */
  private static final class Track {
    final String origin;
    final long published;
    final AtomicLong[] acked = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

    Track(String origin, long published) {
      this.origin = origin;
      this.published = published;
    }

    void ack(String cloud, long nanos) {
      acked[index(cloud)].compareAndSet(0, nanos);
    }

    /** Nanos from publish to the last of the three acknowledgements, or -1 while one is missing. */
    long everywhere() {
      long last = Long.MIN_VALUE;
      for (AtomicLong a : acked) {
        long v = a.get();
        if (v == 0) {
          return -1;
        }
        last = Math.max(last, v);
      }
      return last - published;
    }

    int pendingPeers() {
      int n = 0;
      for (AtomicLong a : acked) {
        n += a.get() == 0 ? 1 : 0;
      }
      return n;
    }
  }

  private final Sandbox sandbox;
  private final Options options;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final Map<String, Track> bySubject = new ConcurrentHashMap<>();
  private final Map<String, String> subjectByEventId = new ConcurrentHashMap<>();
  private final AtomicLong busRetries = new AtomicLong();
  private final AtomicLong hotReads = new AtomicLong();
  private final AtomicLong hotReadsInConflict = new AtomicLong();

  public LoadRun(Sandbox sandbox, Options options, PrintStream out) {
    this.sandbox = sandbox;
    this.options = options;
    this.out = out;
  }

  public Result run() throws IOException {
    BusListener onBus = new BusListener() {
      @Override
      public void delivered(String bus, String eventId, int attempt, long publishedNanos, long ackedNanos) {
        String subject = subjectByEventId.get(eventId);
        Track t = subject == null ? null : bySubject.get(subject);
        if (t != null) {
          t.ack(t.origin, ackedNanos);
        }
      }

      @Override
      public void retrying(String bus, String eventId, int attempt, String failure) {
        busRetries.incrementAndGet();
      }
    };
    ProxyListener onLink = new ProxyListener() {
      @Override
      public void exchanged(String link, String method, String path, byte[] body, int status, long start, long end) {
        if (status / 100 != 2 || !"POST".equals(method) || body == null) {
          return;
        }
        Track t = bySubject.get(subjectOf(body));
        int arrow = link.indexOf("->");
        if (t != null && arrow > 0 && link.substring(0, arrow).equals(t.origin)) {
          t.ack(link.substring(arrow + 2), end);
        }
      }
    };
    sandbox.addListener(onBus);
    sandbox.addListener(onLink);
    try {
      return measure();
    } finally {
      sandbox.removeListener(onBus);
      sandbox.removeListener(onLink);
    }
  }

  private Result measure() throws IOException {
    int total = (int) (options.perSecond() * options.seconds());
    SplittableRandom random = new SplittableRandom(options.seed());
    AtomicInteger published = new AtomicInteger();
    AtomicInteger duplicates = new AtomicInteger();
    List<Track> tracks = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Second> timeline = new ArrayList<>();
    CountDownLatch finished = new CountDownLatch(1);
    long start = System.nanoTime();
    out.printf("[load] %d intents/s for %d s on the three buses (seed %d), %d%% to %d hot records, %d%% published twice%n",
        options.perSecond(), options.seconds(), options.seed(), Math.round(options.hotShare() * 100),
        HOT_RECORDS, Math.round(options.duplicateShare() * 100));

    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    long periodNanos = 1_000_000_000L / options.perSecond();
    publisher.scheduleAtFixedRate(() -> {
      int n = published.get();
      if (n >= total) {
        finished.countDown();
        return;
      }
      String cloud = CLOUDS[n % 3];
      String id = "load-" + run + "-" + n;
      byte[] event;
      if (random.nextDouble() < options.hotShare()) {
        String subject = "loadhot/" + run + "-" + random.nextInt(HOT_RECORDS);
        event = write(id, subject, ops(set("owner", cloud + "-" + n)));
      } else {
        String subject = "load/" + run + "-" + n;
        Track t = new Track(cloud, System.nanoTime());
        bySubject.put(subject, t);
        subjectByEventId.put(id, subject);
        tracks.add(t);
        event = write(id, subject, ops(set("value", Integer.toString(n))));
      }
      sandbox.publish(cloud, event);
      if (random.nextDouble() < options.duplicateShare()) {
        sandbox.publish(cloud, event);
        duplicates.incrementAndGet();
      }
      published.incrementAndGet();
    }, 0, periodNanos, TimeUnit.NANOSECONDS);

    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger second = new AtomicInteger();
    sampler.scheduleAtFixedRate(() -> {
      Track[] snapshot;
      synchronized (tracks) {
        snapshot = tracks.toArray(new Track[0]);
      }
      int visible = 0;
      long pending = 0;
      List<Double> recent = new ArrayList<>();
      long now = System.nanoTime();
      for (Track t : snapshot) {
        long e = t.everywhere();
        if (e >= 0) {
          visible++;
          if (t.published + e > now - 1_000_000_000L) {
            recent.add(e / 1e6);
          }
        } else {
          pending += t.pendingPeers();
        }
      }
      double p50 = percentile(recent.stream().mapToDouble(Double::doubleValue).toArray(), 50);
      int s = (int) Math.round((now - start) / 1e9);
      second.set(s);
      synchronized (timeline) {
        timeline.add(new Second(s, published.get(), visible, pending, p50));
      }
      if (s % 10 == 0) {
        out.printf("[load] %3d s: %5d published, %5d visible on all three, %4d peer deliveries pending, p50 (last second) %.1f ms;"
                + " on the buses: aws %d, azure %d, gcp %d%n",
            s, published.get(), visible, pending, p50, sandbox.bus("aws").inFlight(), sandbox.bus("azure").inFlight(),
            sandbox.bus("gcp").inFlight());
      }
    }, 1, 1, TimeUnit.SECONDS);
    ScheduledExecutorService hotReader = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger hotRound = new AtomicInteger();
    hotReader.scheduleWithFixedDelay(() -> sampleHotRecords(CLOUDS[hotRound.incrementAndGet() % 3]), 1, 1, TimeUnit.SECONDS);

    try {
      finished.await();
      publisher.shutdownNow();
      // Wait for the backlog to clear while it keeps shrinking: up to a minute without progress.
      long lastProgress = System.nanoTime();
      long lastVisible = -1;
      while (System.nanoTime() - lastProgress < Duration.ofMinutes(1).toNanos()) {
        long visible;
        synchronized (tracks) {
          visible = tracks.stream().filter(t -> t.everywhere() >= 0).count();
        }
        if (visible == tracks.size()) {
          break;
        }
        if (visible > lastVisible) {
          lastVisible = visible;
          lastProgress = System.nanoTime();
        }
        Thread.sleep(200); // waiting for the outcome of the run, with progress from the sampler
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      publisher.shutdownNow();
      sampler.shutdownNow();
      hotReader.shutdownNow();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;

    double[] lat;
    synchronized (tracks) {
      lat = tracks.stream().mapToLong(Track::everywhere).filter(e -> e >= 0).mapToDouble(e -> e / 1e6).toArray();
    }
    Arrays.sort(lat);
    int measured = tracks.size();

    List<Ref> check = new ArrayList<>();
    for (int i = 0; i < HOT_RECORDS; i++) {
      check.add(new Ref("loadhot", run + "-" + i));
    }
    List<String> subjects = new ArrayList<>(bySubject.keySet());
    java.util.Collections.shuffle(subjects, new java.util.Random(options.seed()));
    for (String s : subjects.subList(0, Math.min(SAMPLE, subjects.size()))) {
      check.add(Ref.of(s));
    }
    out.printf("[load] reading %d records back from all three clouds%n", check.size());
    Convergence.Snapshot snap = Convergence.await(sandbox, check, Duration.ofMinutes(2), out);
    long siblings = 0;
    for (Convergence.Row row : snap.rows()) {
      if (row.ref().entity().equals("loadhot") && row.identical()) {
        JsonNode c = Http.JSON.readTree(row.view()).path("conflicts").path("owner");
        siblings += c.isArray() ? c.size() : 0;
      }
    }
    List<Second> seconds;
    synchronized (timeline) {
      seconds = List.copyOf(timeline);
    }
    Result r = new Result(options, published.get(), measured, lat.length, percentile(lat, 50), percentile(lat, 95),
        percentile(lat, 99), lat.length == 0 ? Double.NaN : lat[lat.length - 1], lat.length / elapsed,
        duplicates.get(), busRetries.get(), hotReads.get(), hotReadsInConflict.get(), siblings, check.size(), snap.divergent(), seconds,
        writeReport(lat, seconds, snap));
    print(r);
    return r;
  }

  private Path writeReport(double[] lat, List<Second> seconds, Convergence.Snapshot snap) throws IOException {
    Path dir = sandbox.layout().work().resolve("reports").resolve("load-" + run);
    Files.createDirectories(dir);
    Charts.histogram(lat, 25, "Publish-to-visible-everywhere latency, " + lat.length + " intents", dir.resolve("latency-histogram.png"));
    double[] x = seconds.stream().mapToDouble(Second::second).toArray();
    Charts.timeline(x, List.of(
            new Charts.Series("published (cumulative)", new Color(0x7f8c8d), seconds.stream().mapToDouble(Second::published).toArray()),
            new Charts.Series("visible on all three (cumulative)", new Color(0x27ae60), seconds.stream().mapToDouble(Second::visible).toArray()),
            new Charts.Series("peer deliveries pending", new Color(0xc0392b), seconds.stream().mapToDouble(Second::pendingPeerDeliveries).toArray())),
        "Convergence timeline", "intents", dir.resolve("convergence-timeline.png"));
    return dir.resolve("index.html");
  }

  private void print(Result r) throws IOException {
    String summary = String.format(
        "published %d intents (%d measured, %d to hot records), %d duplicates published, %d bus redeliveries%n"
            + "visible on all three: %d of %d measured; throughput %.1f intents/s%n"
            + "publish-to-visible-everywhere: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (budget: p50 <= 25 ms, p99 <= 150 ms)%n"
            + "conflicts: %d of %d reads of the %d hot records (one cloud per second) showed a same-field conflict; %d sibling values left at the end%n"
            + "read back: %d records, %d differing between clouds%n",
        r.published(), r.measured(), r.published() - r.measured(), r.duplicatesPublished(), r.busRetries(),
        r.visibleEverywhere(), r.measured(), r.throughput(), r.p50(), r.p95(), r.p99(), r.max(), r.hotReadsInConflict(),
        r.hotReads(), HOT_RECORDS, r.conflictSiblingsAtEnd(), r.sampled(), r.divergent());
    out.print("[load] " + summary.replace("\n", "\n[load] ").replaceAll("\\[load\\] $", ""));
    ObjectNode json = Http.JSON.valueToTree(r);
    json.put("html", r.html().toString());
    Files.write(r.html().resolveSibling("summary.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    StringBuilder rows = new StringBuilder();
    for (Second s : r.timeline()) {
      rows.append(String.format("<tr><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.1f</td></tr>%n",
          s.second(), s.published(), s.visible(), s.pendingPeerDeliveries(), s.p50()));
    }
    String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Syncline sandbox load run " + run + "</title>"
        + "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}td,th{padding:2px 10px;text-align:right}"
        + "pre{background:#f4f4f4;padding:1em}</style></head><body>"
        + "<h1>Sandbox load run " + run + "</h1><p>" + Instant.now() + ", seed " + options.seed() + ", "
        + options.perSecond() + " intents/s for " + options.seconds() + " s.</p>"
        + "<pre>" + summary + "</pre>"
        + "<h2>Latency</h2><img src=\"latency-histogram.png\" alt=\"latency histogram\">"
        + "<h2>Convergence timeline</h2><img src=\"convergence-timeline.png\" alt=\"convergence timeline\">"
        + "<p>Visible on a cloud = its function acknowledged the intent (origin: the bus got 2xx) or the change "
        + "(peer: the link's proxy relayed a 2xx). Peers acknowledge after the durable merge.</p>"
        + "<h2>Per second</h2><table><tr><th>s</th><th>published</th><th>visible everywhere</th>"
        + "<th>peer deliveries pending</th><th>p50 ms (that second)</th></tr>" + rows + "</table></body></html>";
    Files.writeString(r.html(), html);
    out.println("[load] report: " + r.html());
  }

  /** Reads the hot records on one cloud and counts those showing siblings (conflicts as they happen). */
  private void sampleHotRecords(String cloud) {
    for (int i = 0; i < HOT_RECORDS; i++) {
      try {
        var r = sandbox.client(cloud).record("loadhot", run + "-" + i);
        if (r.statusCode() == 200) {
          hotReads.incrementAndGet();
          if (Http.JSON.readTree(r.body()).path("conflicts").path("owner").size() > 1) {
            hotReadsInConflict.incrementAndGet();
          }
        }
      } catch (IOException e) {
        // a read that fails is not counted
      }
    }
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double[] s = sorted.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  private static String subjectOf(byte[] structuredEvent) {
    try {
      return Http.JSON.readTree(structuredEvent).path("subject").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static int index(String cloud) {
    return switch (cloud) {
      case "aws" -> 0;
      case "azure" -> 1;
      case "gcp" -> 2;
      default -> throw new IllegalArgumentException(cloud);
    };
  }
}
