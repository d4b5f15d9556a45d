package dev.syncline.e2e.report;

import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;

import dev.syncline.core.event.FeedEvents;
import dev.syncline.e2e.feed.FeedReceiver;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The change feed's lag in the sandbox: a steady rate of intents spread over the three clouds'
 * buses, each writing a record of its own, while every cloud feeds one subscriber (the Node
 * receiver, {@link FeedReceiver}) through a TLS fault proxy. An intent's lag at a replica is the
 * time from its publication on the bus to the first updated event that replica sent about its
 * record, as the receiver verified it. The origin's lag is the one an application subscribed to
 * one cloud sees; "every replica" counts the three feeds.
 *
 * <p>Each cloud's feed leaves on its scheduled drain pass (the sandbox's 0.6 s, a minute on the
 * platforms), never on the intent's own call, so that period is the floor. Above it the lag is the
 * drains' backlog: each feed event costs a record read, a signed HTTPS request and a conditional
 * write, on the same two cores as everything else. An intent's publication time is the time it
 * was due on the schedule, so a publisher that falls behind adds to the lag rather than hiding it;
 * the first intents also pay for each drain's first connection to the receiver.
 */
public final class FeedLagRun {

  /** What to run: intents per second, for how long, the share of feed requests each link drops, the seed. */
  public record Options(int perSecond, int seconds, double drop, long seed) {
    /** @throws IllegalArgumentException unless the rate and duration are positive and the drop a share */
    public Options {
      if (perSecond < 1 || seconds < 1 || !(drop >= 0 && drop < 1)) {
        throw new IllegalArgumentException("feed.rate and feed.seconds are at least 1 and feed.drop is in [0, 1), got "
            + perSecond + ", " + seconds + ", " + drop);
      }
    }
  }

  /**
   * The outcome, in milliseconds.
   *
   * @param missing (intent, replica) pairs with no event when the run gave up waiting
   * @param duplicates events received more than once (same id)
   */
  public record Result(Options options, int published, double originP50, double originP99, double originMax,
      double allP50, double allP99, double allMax, int events, int duplicates, int missing, long dropped) {}

  private static final String SUBSCRIBER = "lag-feed";
  private static final Duration SETTLE = Duration.ofMinutes(3);

  private final Options options;
  private final PrintStream out;

  public FeedLagRun(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Starts a sandbox with the subscriber, runs, and closes it. */
  public Result run(java.nio.file.Path scripts) {
    try (Sandbox sandbox = Sandbox.start(options.seed(), out, Sandbox.Options.ALL.withSubscriber(SUBSCRIBER));
        FeedReceiver receiver = FeedReceiver.start(scripts, sandbox.subscriberSecret(SUBSCRIBER), out)) {
      sandbox.subscribe(SUBSCRIBER, receiver.url());
      for (String cloud : Sandbox.CLOUDS) {
        sandbox.faults(cloud, SUBSCRIBER, LinkFaults.NONE.withDrop(options.drop()));
      }
      return measure(sandbox, receiver);
    }
  }

  private Result measure(Sandbox sandbox, FeedReceiver receiver) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    int total = options.perSecond() * options.seconds();
    Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    Map<String, String> originOf = new HashMap<>();
    out.printf("[feed-lag] %d intents/s for %d s on the three buses, every cloud feeding one subscriber, links dropping %.0f%%%n",
        options.perSecond(), options.seconds(), options.drop() * 100);
    long period = TimeUnit.SECONDS.toNanos(1) / options.perSecond();
    long start = System.nanoTime();
    for (int n = 0; n < total; n++) {
      long due = start + n * period;
      while (System.nanoTime() < due) {
        LockSupport.parkNanos(due - System.nanoTime());
      }
      String cloud = Sandbox.CLOUDS.get(n % 3);
      String subject = "feedlag/" + run + "-" + n;
      originOf.put(subject, Sandbox.REPLICAS.get(cloud));
      publishedAt.put(subject, due);
      sandbox.publish(cloud, write("feedlag-" + run + "-" + n, subject, ops(set("n", Integer.toString(n)))));
    }
    out.printf("[feed-lag] published %d in %.1f s; waiting up to %d s for every feed%n",
        total, (System.nanoTime() - start) / 1e9, SETTLE.toSeconds());

    Map<String, Long> firstAt = new HashMap<>(); // subject + " " + replica -> nanos
    long deadline = System.nanoTime() + SETTLE.toNanos();
    int expected = total * Sandbox.CLOUDS.size();
    List<FeedReceiver.Received> received;
    do {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      received = receiver.received();
      firstAt.clear();
      for (FeedReceiver.Received r : received) {
        if (r.type().equals(FeedEvents.UPDATED_TYPE) && publishedAt.containsKey(r.subject())) {
          firstAt.merge(r.subject() + " " + r.replica(), r.receivedNanos(), Math::min);
        }
      }
    } while (firstAt.size() < expected && System.nanoTime() < deadline);

    double[] origin = new double[total];
    double[] all = new double[firstAt.size()];
    int o = 0;
    int a = 0;
    for (Map.Entry<String, Long> e : firstAt.entrySet()) {
      String subject = e.getKey().substring(0, e.getKey().indexOf(' '));
      String replica = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      double ms = (e.getValue() - publishedAt.get(subject)) / 1e6;
      all[a++] = ms;
      if (replica.equals(originOf.get(subject))) {
        origin[o++] = ms;
      }
    }
    origin = java.util.Arrays.copyOf(origin, o);
    Map<String, List<Double>> byReplica = new java.util.TreeMap<>();
    for (Map.Entry<String, Long> e : firstAt.entrySet()) {
      String subject = e.getKey().substring(0, e.getKey().indexOf(' '));
      byReplica.computeIfAbsent(e.getKey().substring(e.getKey().indexOf(' ') + 1), k -> new java.util.ArrayList<>())
          .add((e.getValue() - publishedAt.get(subject)) / 1e6);
    }
    Set<String> ids = new HashSet<>();
    int duplicates = 0;
    for (FeedReceiver.Received r : received) {
      duplicates += ids.add(r.id()) ? 0 : 1;
    }
    long dropped = Sandbox.CLOUDS.stream().mapToLong(c -> sandbox.link(c, SUBSCRIBER).stats().dropped()).sum();
    Result r = new Result(options, total, LoadRun.percentile(origin, 50), LoadRun.percentile(origin, 99), max(origin),
        LoadRun.percentile(all, 50), LoadRun.percentile(all, 99), max(all), received.size(), duplicates,
        expected - firstAt.size(), dropped);
    out.printf("[feed-lag] publish to first feed event, origin's feed: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d intents)%n",
        r.originP50(), r.originP99(), r.originMax(), origin.length, total);
    out.printf("[feed-lag] publish to first feed event, every replica's feed: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d)%n",
        r.allP50(), r.allP99(), r.allMax(), firstAt.size(), expected);
    writeCsv(sandbox, run, firstAt, publishedAt, start);
    byReplica.forEach((replica, lags) -> {
      double[] v = lags.stream().mapToDouble(Double::doubleValue).toArray();
      out.printf("[feed-lag]   %s's feed: p50 %.0f ms, p99 %.0f ms (%d)%n", replica, LoadRun.percentile(v, 50), LoadRun.percentile(v, 99), v.length);
    });
    out.printf("[feed-lag] %d events received, %d of them a second copy of an id; the links dropped %d requests; %d (intent, replica) pairs missing%n",
        r.events(), r.duplicates(), r.dropped(), r.missing());
    return r;
  }

  /** Every (intent, replica) lag as CSV, in {@code target/sandbox/reports/feed-lag-<run>.csv}. */
  private void writeCsv(Sandbox sandbox, String run, Map<String, Long> firstAt, Map<String, Long> publishedAt, long start) {
    StringBuilder csv = new StringBuilder("intent,published_ms,replica,lag_ms\n");
    firstAt.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(FeedLagRun::intentNumber).thenComparing(k -> k)))
        .forEach(e -> {
          String subject = e.getKey().substring(0, e.getKey().indexOf(' '));
          long published = publishedAt.get(subject);
          csv.append(subject.substring(subject.lastIndexOf('-') + 1)).append(',')
              .append((published - start) / 1_000_000).append(',')
              .append(e.getKey().substring(e.getKey().indexOf(' ') + 1)).append(',')
              .append((e.getValue() - published) / 1_000_000).append('\n');
        });
    try {
      java.nio.file.Path dir = java.nio.file.Files.createDirectories(sandbox.layout().work().resolve("reports"));
      java.nio.file.Path file = dir.resolve("feed-lag-" + run + ".csv");
      java.nio.file.Files.writeString(file, csv);
      out.printf("[feed-lag] every lag: %s%n", file);
    } catch (java.io.IOException e) {
      out.printf("[feed-lag] could not write the CSV: %s%n", e);
    }
  }

  /** {@code n} of a {@code "feedlag/<run>-<n> <replica>"} key. */
  private static int intentNumber(String key) {
    String subject = key.substring(0, key.indexOf(' '));
    return Integer.parseInt(subject.substring(subject.lastIndexOf('-') + 1));
  }

  private static double max(double[] values) {
    return java.util.Arrays.stream(values).max().orElse(Double.NaN);
  }
}
