package dev.syncline.e2e.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.aws.AwsCloud;
import dev.syncline.e2e.azure.AzureCloud;
import dev.syncline.e2e.bus.BusListener;
import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.bus.LocalBus;
import dev.syncline.e2e.bus.RetryPolicy;
import dev.syncline.e2e.gcp.GcpCloud;
import dev.syncline.e2e.net.ControlApi;
import dev.syncline.e2e.net.FaultProxy;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.net.ProxyListener;
import dev.syncline.e2e.net.SandboxCa;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The local three-cloud sandbox of DESIGN §8. {@link #start} brings up, in order:
 * <ol>
 *   <li>the sandbox CA and a server certificate for 127.0.0.1 ({@link SandboxCa});
 *   <li>dynalite, Azurite and the Bigtable emulator with their tables ({@link Emulators});
 *   <li>a TLS front (no faults) for each cloud's ingress, and a TLS fault proxy on each of the six
 *       directed links between clouds: a cloud's {@code SYNCLINE_PEERS} point at its outgoing
 *       links, so peers reach each other only through them, over HTTPS;
 *   <li>the clouds' functions, hosted as their platforms host them ({@link AwsCloud},
 *       {@link AzureCloud}, {@link GcpCloud}), each JVM with {@code -Xmx256m};
 *   <li>a local bus per cloud that delivers native envelopes with the platform's retries
 *       ({@link LocalBus}), the drain and anti-entropy schedules, and the fault-control API
 *       ({@link ControlApi});
 *   <li>{@code e2e-tests/target/sandbox/endpoints.json}.
 * </ol>
 *
 * <p>By default all three clouds run, wired to each other. {@link Options#joinLater} leaves some
 * out: the others run wired only to each other, and {@link #join} later deploys a left-out cloud
 * on its empty tables and redeploys the running ones with the new {@code SYNCLINE_PEERS} and
 * {@code SYNCLINE_SECRETS}, as DevOps adds a cloud to a running deployment (DESIGN §1).
 *
 * <p>{@link Options#withExtension} runs every cloud with a Syncline extension deployed beside the
 * stock functions, in the shape each platform takes it ({@link Extension}); {@link #redeploy} ships
 * another extension, or none, to the running clouds. {@link Options#withSubscriber} has every cloud
 * feed a change-feed subscriber through a TLS fault proxy of its own, which {@link #subscribe}
 * points at the receiver.
 */
public final class Sandbox implements AutoCloseable {

  public static final List<String> CLOUDS = List.of("aws", "azure", "gcp");
  public static final Map<String, String> REPLICAS =
      Map.of("aws", "aws-us-east-1", "azure", "azure-eastus", "gcp", "gcp-us-east4");

  /** The platforms' drain schedules run every minute; sandbox time runs {@value RetryPolicy#TIME_SCALE} times faster. */
  public static final Duration DRAIN_EVERY =
      Duration.ofMillis(Long.getLong("sandbox.drainEveryMs", Duration.ofMinutes(1).dividedBy(RetryPolicy.TIME_SCALE).toMillis()));

  /**
   * The anti-entropy schedule of every cloud, and its {@code SYNCLINE_ANTI_ENTROPY_PERIOD}: a minute
   * (the default) on the platforms, {@value RetryPolicy#TIME_SCALE} times faster here, so {@code
   * PT0.6S}. (Azure's timer fires each minute and runs a round on the tick that opens a period; the
   * sandbox fires it through the admin API at this pace instead, and every call opens a period.)
   */
  public static final Duration ANTI_ENTROPY_EVERY =
      Duration.ofMillis(Long.getLong("sandbox.antiEntropyEveryMs", Duration.ofMinutes(1).dividedBy(RetryPolicy.TIME_SCALE).toMillis()));

  /** The path of a subscriber's URL on its links ({@link Options#withSubscriber}). */
  public static final String FEED_PATH = "/feed";

  /** The most anti-entropy calls in flight per cloud; a tick beyond them is skipped. */
  public static final int ROUNDS_IN_FLIGHT = 3;

  /** {@code SYNCLINE_ANTI_ENTROPY_REPAIRS} on every cloud: the default, 100 records per peer per round. */
  public static final int ANTI_ENTROPY_REPAIRS = Integer.getInteger("sandbox.antiEntropyRepairs", 100);

  /**
   * How {@link #start} deploys.
   *
   * @param joinLater the clouds it leaves out, to {@link #join} later
   * @param extension a Syncline extension that every cloud runs, deployed beside the stock functions
   *     in each cloud's shape ({@link Extension}), or none
   * @param subscribers change-feed subscribers every cloud feeds ({@code SYNCLINE_SUBSCRIBERS}), by
   *     name; each gets a signing secret of its own and, from each cloud, a TLS fault proxy that
   *     {@link #subscribe} points at the receiver
   */
  public record Options(Set<String> joinLater, Optional<Extension> extension, Set<String> subscribers) {

    /** All three clouds, wired to each other, running the stock functions alone. */
    public static final Options ALL = new Options(Set.of(), Optional.empty(), Set.of());

    /** @throws IllegalArgumentException if a name is not a cloud, or no cloud would run, or a subscriber's name is bad */
    public Options {
      joinLater = Set.copyOf(joinLater);
      java.util.Objects.requireNonNull(extension, "extension");
      subscribers = Set.copyOf(subscribers);
      for (String cloud : joinLater) {
        if (!CLOUDS.contains(cloud)) {
          throw new IllegalArgumentException("unknown cloud " + cloud + " (known: " + CLOUDS + ")");
        }
      }
      if (joinLater.size() == CLOUDS.size()) {
        throw new IllegalArgumentException("at least one cloud must run from the start");
      }
      for (String name : subscribers) {
        if (!name.matches("[a-z0-9-]{1,40}") || CLOUDS.contains(name) || REPLICAS.containsValue(name)) {
          throw new IllegalArgumentException("a subscriber's name is [a-z0-9-]{1,40} and no cloud's or replica's, got " + name);
        }
      }
    }

    /** The other clouds run wired to each other; these join later ({@link #join}). */
    public static Options joinLater(String... clouds) {
      return new Options(Set.of(clouds), Optional.empty(), Set.of());
    }

    /** These options, with {@code extension} on every cloud. */
    public Options withExtension(Extension extension) {
      return new Options(joinLater, Optional.of(extension), subscribers);
    }

    /** These options, with every cloud feeding the subscriber {@code name} as well. */
    public Options withSubscriber(String name) {
      Set<String> all = new LinkedHashSet<>(subscribers);
      all.add(name);
      return new Options(joinLater, extension, all);
    }
  }

  /**
   * What one cloud's anti-entropy schedule did.
   *
   * @param rounds calls of the function
   * @param skipped ticks skipped because {@value #ROUNDS_IN_FLIGHT} calls were still in flight
   * @param failed calls that failed (the function's log says why)
   */
  public record ScheduleStats(long rounds, long skipped, long failed) {}

  private final Options options;
  /** The extension the clouds run now: the options', until {@link #redeploy} ships another. */
  private volatile Optional<Extension> extension;
  private final Layout layout;
  /** Each cloud's own inbound signing secret: peers and clients sign what they send it with it. */
  private final Map<String, String> secrets = new LinkedHashMap<>();
  /** Each subscriber's signing secret: what every cloud signs the events it sends it with. */
  private final Map<String, String> subscriberSecrets = new LinkedHashMap<>();
  private SandboxCa ca;
  private Emulators emulators;
  /** The clouds whose functions run now; a cloud being redeployed is missing for a moment. */
  private final Map<String, Cloud> clouds = new ConcurrentHashMap<>();
  /** The clouds wired to each other: each one's peers are the others in this set. */
  private volatile Set<String> wired;
  private final Map<String, Integer> deployments = new ConcurrentHashMap<>();
  private final Map<String, FaultProxy> fronts = new LinkedHashMap<>();
  private final Map<String, FaultProxy> links = new LinkedHashMap<>();
  private final Map<String, LocalBus> buses = new LinkedHashMap<>();
  private ControlApi control;
  private ScheduledExecutorService schedules;
  private ExecutorService rounds;
  private final Map<String, Semaphore> roundsInFlight = new LinkedHashMap<>();
  private final Map<String, AtomicLong[]> roundStats = new LinkedHashMap<>();
  private volatile boolean antiEntropyPaused;
  private boolean closed; // guarded by this
  private final List<BusListener> busListeners = new CopyOnWriteArrayList<>();
  private final List<ProxyListener> proxyListeners = new CopyOnWriteArrayList<>();
  private final Map<String, IngressClient> clients = new HashMap<>();
  private final DeliveryWatch deliveries = new DeliveryWatch();

  private Sandbox(Options options) {
    this.options = options;
    this.extension = options.extension();
    this.layout = Layout.detect();
    Set<String> initially = new LinkedHashSet<>(CLOUDS);
    initially.removeAll(options.joinLater());
    this.wired = Set.copyOf(initially);
    busListeners.add(deliveries);
  }

  /**
   * Starts all three clouds, wired to each other, and writes {@code endpoints.json}.
   *
   * @param seed seeds the fault proxies and the buses' retry jitter
   * @param progress where to print one line per step
   */
  public static Sandbox start(long seed, PrintStream progress) {
    return start(seed, progress, Options.ALL);
  }

  /**
   * Starts the sandbox with the clouds {@code options} leaves in, wired only to each other, and
   * writes {@code endpoints.json} (with every cloud: a left-out cloud's ingress answers 503 and
   * its bus retries until it {@linkplain #join joins}).
   */
  public static Sandbox start(long seed, PrintStream progress, Options options) {
    Sandbox sandbox = new Sandbox(options);
    try {
      sandbox.startAll(seed, progress);
      sandbox.warmUp(progress);
      sandbox.writeEndpoints();
      return sandbox;
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void startAll(long seed, PrintStream progress) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(layout.logs());
      Files.deleteIfExists(layout.work().resolve("endpoints.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String cloud : CLOUDS) {
      secrets.put(cloud, newSecret());
    }
    for (String subscriber : options.subscribers()) {
      subscriberSecrets.put(subscriber, newSecret());
    }
    ca = SandboxCa.create(layout.work().resolve("tls"));
    progress.printf("[sandbox] CA ready: %s%n", ca.caCertificate());
    emulators = Emulators.start(layout);
    progress.printf("[sandbox] emulators up (dynalite, Azurite, Bigtable) with tables, %.1f s%n", seconds(t0));

    ProxyListener proxyEvents = fanOutProxy(proxyListeners);
    long s = seed;
    for (String cloud : CLOUDS) {
      fronts.put(cloud, FaultProxy.start(cloud + "-ingress", ca.serverContext(), ++s, ProxyListener.NONE));
      for (String to : CLOUDS) {
        if (!to.equals(cloud)) {
          links.put(linkName(cloud, to), FaultProxy.start(linkName(cloud, to), ca.serverContext(), ++s, proxyEvents));
        }
      }
    }
    // after the others, with seeds of their own, so the links between clouds draw the same faults
    // with or without subscribers; in name order, so that the seeds do not depend on a set's order
    long subscriberSeed = seed + 1_000;
    for (String subscriber : new java.util.TreeSet<>(options.subscribers())) {
      for (String cloud : CLOUDS) {
        // a link like the others (faults, stats, the control API), that reports to no listener:
        // what crosses it is the feed, not replication
        links.put(linkName(cloud, subscriber),
            FaultProxy.start(linkName(cloud, subscriber), ca.serverContext(), ++subscriberSeed, ProxyListener.NONE));
      }
    }
    for (String cloud : CLOUDS) {
      clients.put(cloud, new IngressClient(fronts.get(cloud).url(), secrets.get(cloud), ca.clientContext()));
    }

    Map<String, CloudSpec> specs = new LinkedHashMap<>();
    for (String cloud : wired) {
      deployments.put(cloud, 1);
      specs.put(cloud, spec(cloud, wired, 1));
    }
    deploy(specs);
    progress.printf("[sandbox] functions up: %s, %.1f s%n", describe(wired), seconds(t0));

    BusListener busEvents = fanOutBus(busListeners);
    buses.put("aws", LocalBus.start("aws-eventbridge", RetryPolicy.eventBridge(), busTarget("aws"), busEvents, 8, ++s));
    buses.put("azure", LocalBus.start("azure-eventgrid", RetryPolicy.eventGrid(), busTarget("azure"), busEvents, 8, ++s));
    buses.put("gcp", LocalBus.start("gcp-pubsub", RetryPolicy.pubSub(), busTarget("gcp"), busEvents, 8, ++s));

    schedules = Executors.newScheduledThreadPool(2 * CLOUDS.size(), daemon("sandbox-schedule"));
    rounds = Executors.newCachedThreadPool(daemon("sandbox-anti-entropy"));
    for (String cloud : CLOUDS) {
      schedules.scheduleWithFixedDelay(() -> {
        Cloud c = clouds.get(cloud);
        if (c == null) {
          return; // not deployed (yet): nothing to run
        }
        try {
          c.drain();
        } catch (IOException | RuntimeException e) {
          // the next tick tries again, as a scheduler would; the function's log has the cause
        }
      }, DRAIN_EVERY.toMillis(), DRAIN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      scheduleAntiEntropy(cloud);
    }
    control = ControlApi.start(links);
    progress.printf("[sandbox] buses, drain schedule (every %d ms), anti-entropy schedule (every %d ms) "
        + "and fault-control API up, %.1f s%n",
        DRAIN_EVERY.toMillis(), ANTI_ENTROPY_EVERY.toMillis(), seconds(t0));
  }

  /**
   * The function settings of one cloud, exactly as Terraform would set them, wired to the other
   * clouds of {@code wired}.
   */
  private CloudSpec spec(String cloud, Set<String> wired, int deployment) {
    Map<String, String> env = new HashMap<>(switch (cloud) {
      case "aws" -> emulators.awsEnv();
      case "azure" -> emulators.azureEnv();
      default -> emulators.gcpEnv();
    });
    List<String> peers = new ArrayList<>();
    List<String> peerSecrets = new ArrayList<>();
    for (String to : CLOUDS) {
      if (!to.equals(cloud) && wired.contains(to)) {
        peers.add(REPLICAS.get(to) + "=" + links.get(linkName(cloud, to)).url());
        // each peer's inbound secret, which this cloud signs what it sends that peer with
        peerSecrets.add(REPLICAS.get(to) + "=" + secrets.get(to));
      }
    }
    env.put("SYNCLINE_REPLICA_ID", REPLICAS.get(cloud));
    // its own secret, then each peer's as replica=secret (functions-*/README.md)
    List<String> all = new ArrayList<>(List.of(secrets.get(cloud)));
    all.addAll(peerSecrets);
    env.put("SYNCLINE_SECRETS", String.join(",", all));
    env.put("SYNCLINE_PEERS", String.join(",", peers));
    if (!options.subscribers().isEmpty()) {
      List<String> subscribers = new ArrayList<>();
      for (String subscriber : options.subscribers()) {
        subscribers.add(subscriber + "=" + links.get(linkName(cloud, subscriber)).url() + FEED_PATH);
        all.add(subscriber + "=" + subscriberSecrets.get(subscriber));
      }
      env.put("SYNCLINE_SUBSCRIBERS", String.join(",", subscribers));
      env.put("SYNCLINE_SECRETS", String.join(",", all));
    }
    // the outbox backoff on the sandbox's clock: 1 s and 60 s divided by TIME_SCALE
    env.put("SYNCLINE_OUTBOX_RETRY_BASE", Duration.ofSeconds(1).dividedBy(RetryPolicy.TIME_SCALE).toString());
    env.put("SYNCLINE_OUTBOX_RETRY_CAP", Duration.ofSeconds(60).dividedBy(RetryPolicy.TIME_SCALE).toString());
    // the period picks each round's window of buckets, so it is the schedule's (PT0.6S)
    env.put("SYNCLINE_ANTI_ENTROPY_PERIOD", antiEntropyEvery(cloud).toString());
    env.put("SYNCLINE_ANTI_ENTROPY_REPAIRS", Integer.toString(ANTI_ENTROPY_REPAIRS));
    List<String> jvm = new ArrayList<>();
    jvm.add("-Xmx256m");
    jvm.addAll(ca.jvmTrustOptions());
    return new CloudSpec(cloud, REPLICAS.get(cloud), Map.copyOf(env), List.copyOf(jvm), layout, deployment, extension);
  }

  /** Starts these clouds' functions in parallel and points their front and the links to them at them. */
  private void deploy(Map<String, CloudSpec> specs) {
    Map<String, CompletableFuture<Cloud>> starting = new LinkedHashMap<>();
    for (Map.Entry<String, CloudSpec> e : specs.entrySet()) {
      Function<CloudSpec, Cloud> starter = switch (e.getKey()) {
        case "aws" -> AwsCloud::start;
        case "azure" -> AzureCloud::start;
        default -> GcpCloud::start;
      };
      starting.put(e.getKey(), CompletableFuture.supplyAsync(() -> starter.apply(e.getValue())));
    }
    RuntimeException failure = null;
    for (Map.Entry<String, CompletableFuture<Cloud>> e : starting.entrySet()) {
      try {
        clouds.put(e.getKey(), e.getValue().join());
      } catch (CompletionException ex) {
        RuntimeException cause = ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    for (String cloud : specs.keySet()) {
      URI ingress = clouds.get(cloud).ingress();
      fronts.get(cloud).target(ingress);
      for (String from : CLOUDS) {
        if (!from.equals(cloud)) {
          links.get(linkName(from, cloud)).target(ingress);
        }
      }
    }
  }

  /** A cloud's bus delivers to whichever deployment of its intent function runs now. */
  private BusTarget busTarget(String cloud) {
    return (cloudEvent, attempt) -> {
      Cloud c = clouds.get(cloud);
      if (c == null) {
        throw new IOException(cloud + " has no functions deployed right now");
      }
      return c.busTarget().deliver(cloudEvent, attempt);
    };
  }

  /**
   * The anti-entropy schedule of one cloud: a call every {@link #antiEntropyEvery} period, at the
   * middle of each period (so that the function's clock picks that period's window, whatever the
   * call takes to arrive), at a fixed rate, whether the previous round has ended or not, as
   * EventBridge Scheduler and Cloud Scheduler fire (AWS then runs the rounds in as many execution
   * environments as it has, Cloud Run concurrently in its instance). So every window of buckets
   * gets its round even when a round takes longer than the period, as it does on this machine while
   * a cloud bootstraps. At most {@value #ROUNDS_IN_FLIGHT} calls are in flight per cloud; a tick
   * beyond them is skipped, and its window waits for the next cycle.
   */
  private void scheduleAntiEntropy(String cloud) {
    long period = antiEntropyEvery(cloud).toMillis();
    Semaphore inFlight = new Semaphore(ROUNDS_IN_FLIGHT);
    AtomicLong[] stats = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    roundsInFlight.put(cloud, inFlight);
    roundStats.put(cloud, stats);
    long firstTick = period - Math.floorMod(System.currentTimeMillis(), period) + period / 2;
    schedules.scheduleAtFixedRate(() -> {
      Cloud c = clouds.get(cloud);
      if (c == null || antiEntropyPaused) {
        return;
      }
      if (!inFlight.tryAcquire()) {
        stats[1].incrementAndGet();
        return;
      }
      try {
        rounds.execute(() -> {
          try {
            if (!antiEntropyPaused) {
              stats[0].incrementAndGet();
              c.antiEntropy();
            }
          } catch (IOException | RuntimeException e) {
            stats[2].incrementAndGet(); // the next cycle tries again; the function's log has the cause
          } finally {
            inFlight.release();
          }
        });
      } catch (RejectedExecutionException closing) {
        inFlight.release();
      }
    }, firstTick, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Deploys {@code cloud}, left out at the start ({@link Options#joinLater}), on its empty tables,
   * and redeploys every running cloud with the new {@code SYNCLINE_PEERS} and
   * {@code SYNCLINE_SECRETS}, all at once as one Terraform apply would: the running clouds' function
   * processes are stopped and started again (their tables are kept), and the new cloud's started.
   * Nothing is written anywhere: the new cloud's records arrive by anti-entropy alone, as no outbox
   * owes it anything. Its replica id is its usual one, which no replica has seen in this sandbox.
   *
   * @return how long the redeployment took, until every function of every cloud was up and had
   *     served a read and a drain
   * @throws IllegalStateException if {@code cloud} has already run in this sandbox (a replica that
   *     ran must never come back under the same id with lost state: its peers hold its dots;
   *     shared-core {@code docs/anti-entropy.md}), or its tables are not empty
   */
  public synchronized Duration join(String cloud, PrintStream progress) {
    if (!CLOUDS.contains(cloud)) {
      throw new IllegalArgumentException("unknown cloud " + cloud + " (known: " + CLOUDS + ")");
    }
    if (wired.contains(cloud) || !options.joinLater().contains(cloud)) {
      throw new IllegalStateException(cloud + " (" + REPLICAS.get(cloud) + ") already ran in this sandbox: its peers hold dots of "
          + "that replica id, so it cannot join again under it (shared-core docs/anti-entropy.md, \"What is left out\"); "
          + "start a sandbox with Options.joinLater(\"" + cloud + "\") instead");
    }
    if (!emulators.empty(cloud)) {
      throw new IllegalStateException(cloud + "'s tables are not empty: a joining replica starts with empty tables");
    }
    long t0 = System.nanoTime();
    Set<String> now = new LinkedHashSet<>(CLOUDS);
    now.retainAll(union(wired, cloud));
    for (String running : wired) {
      Cloud old = clouds.remove(running);
      if (old != null) {
        old.close();
      }
    }
    Map<String, CloudSpec> specs = new LinkedHashMap<>();
    for (String c : now) {
      int deployment = deployments.merge(c, 1, Integer::sum);
      specs.put(c, spec(c, now, deployment));
    }
    deploy(specs);
    wired = Set.copyOf(now);
    warmUpWithoutWriting(now);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    progress.printf("[sandbox] %s joined: %s redeployed, wired to each other and warmed up (a read and a drain each), %.1f s%n",
        cloud, describe(now), took.toMillis() / 1e3);
    return took;
  }

  /**
   * Ships another extension (or none) to every running cloud, as DevOps does by deploying a new
   * layer version or app package with the same functions and settings: each cloud's function
   * processes are stopped and started again on its tables, with {@code extension} beside the stock
   * functions, and then warmed up without writing (a read and a drain each), which is where a
   * function builds its replica, and so its extension.
   *
   * @return how long it took, until every function had served a read and a drain
   * @throws RuntimeException if a function fails to start or to serve its warm-up: an extension that
   *     throws while it is built fails there (the function's log has the error, which names it);
   *     the message says which cloud
   */
  public synchronized Duration redeploy(Optional<Extension> extension, PrintStream progress) {
    long t0 = System.nanoTime();
    for (String running : wired) {
      Cloud old = clouds.remove(running);
      if (old != null) {
        old.close();
      }
    }
    this.extension = extension;
    Map<String, CloudSpec> specs = new LinkedHashMap<>();
    for (String c : wired) {
      specs.put(c, spec(c, wired, deployments.merge(c, 1, Integer::sum)));
    }
    deploy(specs);
    warmUpWithoutWriting(wired);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    progress.printf("[sandbox] %s redeployed with %s, warmed up (a read and a drain each), %.1f s%n", describe(wired),
        extension.map(e -> "the extension " + e.jar().getFileName()).orElse("no extension"), took.toMillis() / 1e3);
    return took;
  }

  /**
   * Pays the redeployed functions' cold starts without writing anything: a signed read of a record
   * that does not exist on each ingress, and one drain each. (The intent functions start on their
   * first intent, the anti-entropy functions on their first tick.)
   *
   * @throws RuntimeException if a read answers 5xx or a drain fails
   */
  private void warmUpWithoutWriting(Set<String> deployed) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String cloud : deployed) {
      all.add(CompletableFuture.runAsync(() -> {
        try {
          HttpResponse<String> read = client(cloud).record("sandbox", "warmup-read-" + UUID.randomUUID());
          if (read.statusCode() >= 500) {
            throw new IllegalStateException(
                cloud + "'s ingress answered " + read.statusCode() + " while warming up: " + read.body());
          }
          cloud(cloud).drain();
        } catch (IOException e) {
          throw new UncheckedIOException(cloud + " did not answer while warming up", e);
        }
      }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static Set<String> union(Set<String> set, String one) {
    Set<String> out = new LinkedHashSet<>(set);
    out.add(one);
    return out;
  }

  private static String describe(Set<String> clouds) {
    List<String> out = new ArrayList<>();
    for (String c : CLOUDS) {
      if (clouds.contains(c)) {
        out.add(switch (c) {
          case "aws" -> "AWS (Lambda runtime interface client)";
          case "azure" -> "Azure (function.json host)";
          default -> "GCP (java-function-invoker)";
        });
      }
    }
    return String.join(", ", out);
  }

  /**
   * Pays every function's cold start before anyone measures: one intent on each running cloud (the
   * record {@code sandbox/warmup}), a signed read on each ingress, and one drain each. (The
   * anti-entropy schedule's first tick pays that function's.)
   */
  private void warmUp(PrintStream progress) {
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String cloud : wired) {
      all.add(CompletableFuture.runAsync(() -> {
        publishAndAwait(cloud, Intents.write("warmup-" + UUID.randomUUID(), "sandbox/warmup",
            Intents.ops(Intents.set("warm", cloud))), Duration.ofMinutes(2));
        try {
          client(cloud).record("sandbox", "warmup");
          cloud(cloud).drain();
        } catch (IOException e) {
          throw new UncheckedIOException(cloud + " did not answer while warming up", e);
        }
      }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    progress.printf("[sandbox] every function warmed up (first intent, read and drain on each cloud), %.1f s%n", seconds(t0));
  }

  // ---- what tests, runners and the demo use -------------------------------------------------

  /** Publishes one intent on {@code cloud}'s bus, as {@code POST {bus}} does; returns its id. */
  public String publish(String cloud, byte[] cloudEvent) {
    return bus(cloud).publish(cloudEvent);
  }

  /**
   * Publishes one intent and waits until its cloud's function has applied it (the bus got a 2xx).
   *
   * @throws IllegalStateException if the bus dead-letters it or it is not applied within {@code timeout}
   */
  public void publishAndAwait(String cloud, byte[] cloudEvent, Duration timeout) {
    String id = Http.idOf(cloudEvent);
    CompletableFuture<Long> done = deliveries.future(id);
    publish(cloud, cloudEvent);
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("intent " + id + " was not applied on " + cloud + " within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Completes when the bus has delivered the event with this id (register before publishing). */
  public CompletableFuture<Long> delivered(String eventId) {
    return deliveries.future(eventId);
  }

  public LocalBus bus(String cloud) {
    return require(buses, cloud);
  }

  /** A signed client for {@code cloud}'s TLS ingress (no faults on it). */
  public IngressClient client(String cloud) {
    return require(clients, cloud);
  }

  /** A cloud whose functions run now. */
  public Cloud cloud(String cloud) {
    return require(clouds, cloud);
  }

  /** The clouds running now, wired to each other. */
  public Set<String> wired() {
    return wired;
  }

  /** How often {@code cloud}'s anti-entropy function is scheduled, and its {@code SYNCLINE_ANTI_ENTROPY_PERIOD}. */
  public static Duration antiEntropyEvery(String cloud) {
    return ANTI_ENTROPY_EVERY;
  }

  /**
   * Stops the anti-entropy schedules, as disabling the schedules would, and returns once no round
   * runs anywhere: from then on only the outbox and read repair move records.
   */
  public void pauseAntiEntropy() {
    antiEntropyPaused = true;
    for (Semaphore inFlight : roundsInFlight.values()) {
      try {
        if (!inFlight.tryAcquire(ROUNDS_IN_FLIGHT, 5, TimeUnit.MINUTES)) {
          throw new IllegalStateException("an anti-entropy round did not end within 5 minutes");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pausing anti-entropy", e);
      }
      inFlight.release(ROUNDS_IN_FLIGHT);
    }
  }

  /** Starts the anti-entropy schedules again. */
  public void resumeAntiEntropy() {
    antiEntropyPaused = false;
  }

  /** What {@code cloud}'s anti-entropy schedule has done since the sandbox started. */
  public ScheduleStats antiEntropyStats(String cloud) {
    AtomicLong[] s = require(roundStats, cloud);
    return new ScheduleStats(s[0].get(), s[1].get(), s[2].get());
  }

  /** The fault proxy on the directed link {@code from -> to}. */
  public FaultProxy link(String from, String to) {
    return require(links, linkName(from, to));
  }

  /** Sets the faults on a directed link, as {@code PUT {control}/links/{from}/{to}} does. */
  public void faults(String from, String to, LinkFaults faults) {
    control.set(from, to, faults);
  }

  /** Cuts {@code cloud} off from both others, in both directions. */
  public void isolate(String cloud) {
    for (String other : CLOUDS) {
      if (!other.equals(cloud)) {
        faults(cloud, other, LinkFaults.partitioned());
        faults(other, cloud, LinkFaults.partitioned());
      }
    }
  }

  /** Heals every link, as {@code DELETE {control}/links} does. */
  public void healAll() {
    control.healAll();
  }

  /** Runs every running cloud's drain once, now, in addition to the schedule. */
  public void drainAll() throws IOException {
    for (String cloud : CLOUDS) {
      Cloud c = clouds.get(cloud);
      if (c != null) {
        c.drain();
      }
    }
  }

  /** The view of one record on each cloud: status and body, read through the TLS ingress. */
  public Map<String, HttpResponse<String>> views(String entity, String id) throws IOException {
    Map<String, HttpResponse<String>> out = new LinkedHashMap<>();
    for (String cloud : CLOUDS) {
      out.put(cloud, client(cloud).record(entity, id));
    }
    return out;
  }

  /** Events still queued or being retried on any bus. */
  public int busesInFlight() {
    return buses.values().stream().mapToInt(LocalBus::inFlight).sum();
  }

  public void addListener(BusListener listener) {
    busListeners.add(listener);
  }

  public void removeListener(BusListener listener) {
    busListeners.remove(listener);
  }

  public void addListener(ProxyListener listener) {
    proxyListeners.add(listener);
  }

  public void removeListener(ProxyListener listener) {
    proxyListeners.remove(listener);
  }

  /** A cloud's own inbound signing secret: what requests to its ingress are signed with. */
  public String secret(String cloud) {
    return require(secrets, cloud);
  }

  /** A subscriber's signing secret ({@link Options#withSubscriber}): verify what it receives with it. */
  public String subscriberSecret(String subscriber) {
    return require(subscriberSecrets, subscriber);
  }

  /**
   * Points every cloud's link to {@code subscriber} at {@code plainHttpTarget}, where the receiver
   * listens; the clouds post to {@code https://<link>}{@value #FEED_PATH}. Until then the links
   * answer 503 and the clouds retry.
   */
  public void subscribe(String subscriber, URI plainHttpTarget) {
    require(subscriberSecrets, subscriber);
    for (String cloud : CLOUDS) {
      links.get(linkName(cloud, subscriber)).target(plainHttpTarget);
    }
  }

  /** Every dead letter in a cloud's own dead-letter table (not the buses'). */
  public List<Emulators.StoredDeadLetter> deadLetters(String cloud) {
    return emulators.deadLetters(cloud);
  }

  public SandboxCa ca() {
    return ca;
  }

  public URI control() {
    return control.url();
  }

  public Layout layout() {
    return layout;
  }

  public Path endpointsFile() {
    return layout.work().resolve("endpoints.json");
  }

  private void writeEndpoints() {
    ObjectNode root = Http.JSON.createObjectNode()
        .put("caCertificate", ca.caCertificate().toAbsolutePath().toString())
        .put("control", control.url().toString().replaceAll("/$", ""));
    ObjectNode cs = root.putObject("clouds");
    for (String cloud : CLOUDS) {
      cs.putObject(cloud)
          .put("replica", REPLICAS.get(cloud))
          .put("bus", buses.get(cloud).url().toString())
          .put("ingress", fronts.get(cloud).url().toString())
          .put("secret", secrets.get(cloud));
    }
    try {
      Files.write(endpointsFile(), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (control != null) {
      control.close();
    }
    if (schedules != null) {
      schedules.shutdownNow();
    }
    if (rounds != null) {
      rounds.shutdownNow();
    }
    buses.values().forEach(LocalBus::close);
    clouds.values().forEach(Cloud::close);
    clouds.clear();
    fronts.values().forEach(FaultProxy::close);
    links.values().forEach(FaultProxy::close);
    if (emulators != null) {
      emulators.close();
      emulators = null;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  static String linkName(String from, String to) {
    return from + "->" + to;
  }

  private static <T> T require(Map<String, T> map, String key) {
    T t = map.get(key);
    if (t == null) {
      throw new IllegalArgumentException("unknown cloud or link: " + key + " (known: " + map.keySet() + ")");
    }
    return t;
  }

  /** A fresh Standard Webhooks secret: {@code whsec_} and 32 random bytes in base64. */
  static String newSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static BusListener fanOutBus(List<BusListener> listeners) {
    return new BusListener() {
      @Override
      public void delivered(String bus, String eventId, int attempt, long publishedNanos, long ackedNanos) {
        listeners.forEach(l -> l.delivered(bus, eventId, attempt, publishedNanos, ackedNanos));
      }

      @Override
      public void retrying(String bus, String eventId, int attempt, String failure) {
        listeners.forEach(l -> l.retrying(bus, eventId, attempt, failure));
      }

      @Override
      public void deadLettered(String bus, String eventId, int attempts, String failure) {
        listeners.forEach(l -> l.deadLettered(bus, eventId, attempts, failure));
      }
    };
  }

  private static ProxyListener fanOutProxy(List<ProxyListener> listeners) {
    return new ProxyListener() {
      @Override
      public void exchanged(String link, String method, String path, byte[] body, int status, long start, long end) {
        listeners.forEach(l -> l.exchanged(link, method, path, body, status, start, end));
      }

      @Override
      public void faulted(String link, String fault) {
        listeners.forEach(l -> l.faulted(link, fault));
      }
    };
  }
}
