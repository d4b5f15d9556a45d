package dev.syncline.e2e.report;

import static dev.syncline.e2e.sandbox.Intents.add;
import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The chaos run: intents spread over the three clouds while every inter-cloud link drops,
 * duplicates, reorders, delays and fails requests (seeded), and clouds or links are partitioned
 * for seconds at a time. Some intents are also published twice. Then every link heals and the run
 * checks the three invariants: all views byte-identical, no acknowledged intent lost (every tag
 * added is present everywhere), every counter exact.
 */
public final class ChaosRun {

  /** What to run; {@link #faults} apply to every link while the run lasts. */
  public record Options(int intents, int records, int perSecond, long seed, LinkFaults faults, boolean partitions,
      double duplicateShare) {
    public static Options of(int intents, long seed) {
      return new Options(intents, Math.max(10, intents / 50), 100, seed,
          LinkFaults.NONE.withDrop(0.05).withDuplicate(0.1).withReorder(0.1).withDelayMs(0, 100).withError5xx(0.05),
          true, 0.05);
    }
  }

  /** The outcome. */
  public record Result(long seed, int intents, int records, int duplicatesPublished, int partitions,
      Map<String, Object> linkFaultsInjected, double publishSeconds, double convergeSeconds, boolean converged,
      long divergent, long lostTags, long wrongCounters, Path summary) {
    public boolean passed() {
      return converged && divergent == 0 && lostTags == 0 && wrongCounters == 0;
    }
  }

  private final Sandbox sandbox;
  private final Options options;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  public ChaosRun(Sandbox sandbox, Options options, PrintStream out) {
    this.sandbox = sandbox;
    this.options = options;
    this.out = out;
  }

  public Result run() throws IOException {
    SplittableRandom random = new SplittableRandom(options.seed());
    long[] expectedCount = new long[options.records()];
    List<Set<String>> expectedTags = new ArrayList<>();
    for (int i = 0; i < options.records(); i++) {
      expectedTags.add(new HashSet<>());
    }
    out.printf("[chaos] seed %d: %d intents over %d records at %d/s; every link %s%s%n", options.seed(),
        options.intents(), options.records(), options.perSecond(), options.faults().toJson(),
        options.partitions() ? "; clouds and links partitioned for seconds at a time" : "");
    List<String> links = new ArrayList<>();
    for (String from : Sandbox.CLOUDS) {
      for (String to : Sandbox.CLOUDS) {
        if (!from.equals(to)) {
          links.add(from + "->" + to);
          sandbox.faults(from, to, options.faults());
        }
      }
    }

    long start = System.nanoTime();
    long periodNanos = 1_000_000_000L / options.perSecond();
    int duplicates = 0;
    Partitions chaos = new Partitions(random, links, start);
    for (int i = 0; i < options.intents(); i++) {
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        pause(wait);
      }
      chaos.step();
      String cloud = Sandbox.CLOUDS.get(random.nextInt(3));
      int record = random.nextInt(options.records());
      int by = 1 + random.nextInt(5);
      String tag = "t" + i;
      byte[] event = write("chaos-" + run + "-" + i, subject(record),
          ops(incr("n", by), add("tags", tag), set("last", cloud + "-" + i)));
      sandbox.publish(cloud, event);
      expectedCount[record] += by;
      expectedTags.get(record).add(tag);
      if (random.nextDouble() < options.duplicateShare()) {
        sandbox.publish(cloud, event);
        duplicates++;
      }
      if ((i + 1) % 500 == 0 || i + 1 == options.intents()) {
        out.printf("[chaos] %5.1f s: %d/%d intents published, %d on the buses%n", (System.nanoTime() - start) / 1e9,
            i + 1, options.intents(), sandbox.busesInFlight());
      }
    }
    double publishSeconds = (System.nanoTime() - start) / 1e9;
    // The faults stay on until the buses have delivered every intent, so that the forwarding of
    // all of them, not just of the first few, runs through the faulty links.
    long nextReport = System.nanoTime() + seconds(5);
    while (sandbox.busesInFlight() > 0) {
      pause(100_000_000L);
      chaos.step();
      if (System.nanoTime() >= nextReport) {
        out.printf("[chaos] %5.1f s: %d intents still on the buses%n", (System.nanoTime() - start) / 1e9,
            sandbox.busesInFlight());
        nextReport = System.nanoTime() + seconds(5);
      }
    }
    Map<String, Object> injected = new LinkedHashMap<>();
    for (String link : links) {
      String[] ft = link.split("->");
      injected.put(link, sandbox.link(ft[0], ft[1]).stats().toJson());
    }
    out.println("[chaos] healing every link; waiting for the three clouds to agree");
    sandbox.healAll();

    long healed = System.nanoTime();
    List<Ref> refs = new ArrayList<>();
    for (int r = 0; r < options.records(); r++) {
      refs.add(Ref.of(subject(r)));
    }
    Convergence.Snapshot snap = Convergence.await(sandbox, refs, Duration.ofMinutes(5), out);
    double convergeSeconds = (System.nanoTime() - healed) / 1e9;
    long lost = 0;
    long wrong = 0;
    for (int r = 0; r < options.records(); r++) {
      Convergence.Row row = snap.rows().get(r);
      for (String cloud : Sandbox.CLOUDS) {
        JsonNode fields = Http.JSON.readTree(row.body().get(cloud)).path("fields");
        if (fields.path("n").asLong(-1) != expectedCount[r]) {
          wrong++;
        }
        Set<String> tags = new TreeSet<>();
        fields.path("tags").forEach(t -> tags.add(t.asText()));
        for (String t : expectedTags.get(r)) {
          lost += tags.contains(t) ? 0 : 1;
        }
      }
    }
    Result result = new Result(options.seed(), options.intents(), options.records(), duplicates, chaos.count, injected,
        publishSeconds, convergeSeconds, snap.converged(), snap.divergent(), lost, wrong,
        sandbox.layout().work().resolve("reports").resolve("chaos-" + options.seed() + "-" + run + ".json"));
    Files.createDirectories(result.summary().getParent());
    ObjectNode json = Http.JSON.valueToTree(result);
    json.put("summary", result.summary().toString());
    Files.write(result.summary(), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    out.printf("[chaos] seed %d: %d intents (%d published twice), %d partitions; link faults injected: %s%n",
        options.seed(), options.intents(), duplicates, chaos.count, injected);
    out.printf("[chaos] converged %.1f s after healing: %s; %d records differ, %d tags lost, %d counters wrong (of %d records x 3 clouds)%n",
        convergeSeconds, snap.converged() ? "yes" : "NO", snap.divergent(), lost, wrong, options.records());
    out.println("[chaos] " + (result.passed() ? "PASSED" : "FAILED") + "; summary: " + result.summary());
    return result;
  }

  /** Cuts and heals clouds or links on a seeded schedule: a few seconds down, a few seconds up. */
  private final class Partitions {
    private final SplittableRandom random;
    private final List<String> links;
    private final long start;
    private List<String> down = List.of();
    private long until;
    int count;

    Partitions(SplittableRandom random, List<String> links, long start) {
      this.random = random;
      this.links = links;
      this.start = start;
    }

    void step() {
      if (!options.partitions()) {
        return;
      }
      long now = System.nanoTime();
      if (now < until) {
        return;
      }
      if (!down.isEmpty()) {
        heal(down);
        down = List.of();
        until = now + seconds(1 + random.nextInt(3));
      } else {
        down = partition(random, links);
        count++;
        until = now + seconds(2 + random.nextInt(5));
        out.printf("[chaos] %5.1f s: partition %s%n", (now - start) / 1e9, down);
      }
    }
  }

  private List<String> partition(SplittableRandom random, List<String> links) {
    List<String> down = new ArrayList<>();
    if (random.nextBoolean()) {
      String cloud = Sandbox.CLOUDS.get(random.nextInt(3));
      for (String link : links) {
        if (link.startsWith(cloud + "->") || link.endsWith("->" + cloud)) {
          down.add(link);
        }
      }
    } else {
      down.add(links.get(random.nextInt(links.size())));
    }
    for (String link : down) {
      String[] ft = link.split("->");
      sandbox.faults(ft[0], ft[1], LinkFaults.partitioned());
    }
    return down;
  }

  private void heal(List<String> down) {
    for (String link : down) {
      String[] ft = link.split("->");
      sandbox.faults(ft[0], ft[1], options.faults());
    }
  }

  private String subject(int record) {
    return "chaos/" + run + "-" + record;
  }

  private static long seconds(int s) {
    return s * 1_000_000_000L;
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
