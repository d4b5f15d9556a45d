package dev.syncline.e2e.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.aws.AwsCloud;
import dev.syncline.e2e.azure.AzureCloud;
import dev.syncline.e2e.bus.BusListener;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The local three-cloud sandbox of DESIGN §8. {@link #start} brings up, in order:
 * <ol>
 *   <li>the sandbox CA and a server certificate for 127.0.0.1 ({@link SandboxCa});
 *   <li>dynalite, Azurite and the Bigtable emulator with their tables ({@link Emulators});
 *   <li>a TLS front (no faults) for each cloud's ingress, and a TLS fault proxy on each of the six
 *       directed links between clouds: a cloud's {@code SYNCLINE_PEERS} point at its outgoing
 *       links, so peers reach each other only through them, over HTTPS;
 *   <li>the three clouds' functions, hosted as their platforms host them ({@link AwsCloud},
 *       {@link AzureCloud}, {@link GcpCloud}), each JVM with {@code -Xmx256m};
 *   <li>a local bus per cloud that delivers native envelopes with the platform's retries
 *       ({@link LocalBus}), the drain schedule, and the fault-control API ({@link ControlApi});
 *   <li>{@code e2e-tests/target/sandbox/endpoints.json}.
 * </ol>
 */
public final class Sandbox implements AutoCloseable {

  public static final List<String> CLOUDS = List.of("aws", "azure", "gcp");
  public static final Map<String, String> REPLICAS =
      Map.of("aws", "aws-us-east-1", "azure", "azure-eastus", "gcp", "gcp-us-east4");

  /** The platforms' drain schedules run every minute; sandbox time runs {@value RetryPolicy#TIME_SCALE} times faster. */
  public static final Duration DRAIN_EVERY =
      Duration.ofMillis(Long.getLong("sandbox.drainEveryMs", Duration.ofMinutes(1).dividedBy(RetryPolicy.TIME_SCALE).toMillis()));

  private final Layout layout;
  /** Each cloud's own inbound signing secret: peers and clients sign what they send it with it. */
  private final Map<String, String> secrets;
  private final SandboxCa ca;
  private final Emulators emulators;
  private final Map<String, Cloud> clouds;
  private final Map<String, FaultProxy> fronts;
  private final Map<String, FaultProxy> links;
  private final Map<String, LocalBus> buses;
  private final ControlApi control;
  private final ScheduledExecutorService drainer;
  private final List<BusListener> busListeners;
  private final List<ProxyListener> proxyListeners;
  private final Map<String, IngressClient> clients = new HashMap<>();
  private final DeliveryWatch deliveries = new DeliveryWatch();

  private Sandbox(Builder b) {
    this.layout = b.layout;
    this.secrets = Map.copyOf(b.secrets);
    this.ca = b.ca;
    this.emulators = b.emulators;
    this.clouds = b.clouds;
    this.fronts = b.fronts;
    this.links = b.links;
    this.buses = b.buses;
    this.control = b.control;
    this.drainer = b.drainer;
    this.busListeners = b.busListeners;
    this.proxyListeners = b.proxyListeners;
    for (String cloud : CLOUDS) {
      clients.put(cloud, new IngressClient(fronts.get(cloud).url(), secrets.get(cloud), ca.clientContext()));
    }
    busListeners.add(deliveries);
  }

  /**
   * Starts everything and writes {@code endpoints.json}.
   *
   * @param seed seeds the fault proxies and the buses' retry jitter
   * @param progress where to print one line per step
   */
  public static Sandbox start(long seed, PrintStream progress) {
    Builder b = new Builder();
    try {
      b.start(seed, progress);
      Sandbox sandbox = new Sandbox(b);
      sandbox.warmUp(progress);
      sandbox.writeEndpoints();
      return sandbox;
    } catch (RuntimeException e) {
      b.closeAll();
      throw e;
    }
  }

  /** Collects the parts while they start, so that a failure stops what already runs. */
  private static final class Builder {
    Layout layout;
    final Map<String, String> secrets = new LinkedHashMap<>();
    SandboxCa ca;
    Emulators emulators;
    final Map<String, Cloud> clouds = new LinkedHashMap<>();
    final Map<String, FaultProxy> fronts = new LinkedHashMap<>();
    final Map<String, FaultProxy> links = new LinkedHashMap<>();
    final Map<String, LocalBus> buses = new LinkedHashMap<>();
    ControlApi control;
    ScheduledExecutorService drainer;
    final List<BusListener> busListeners = new CopyOnWriteArrayList<>();
    final List<ProxyListener> proxyListeners = new CopyOnWriteArrayList<>();

    void start(long seed, PrintStream progress) {
      long t0 = System.nanoTime();
      layout = Layout.detect();
      try {
        Files.createDirectories(layout.logs());
        Files.deleteIfExists(layout.work().resolve("endpoints.json"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String cloud : CLOUDS) {
        secrets.put(cloud, newSecret());
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

      List<String> jvm = new ArrayList<>();
      jvm.add("-Xmx256m");
      jvm.addAll(ca.jvmTrustOptions());
      Map<String, CompletableFuture<Cloud>> starting = new LinkedHashMap<>();
      for (String cloud : CLOUDS) {
        Map<String, String> env = new HashMap<>(switch (cloud) {
          case "aws" -> emulators.awsEnv();
          case "azure" -> emulators.azureEnv();
          default -> emulators.gcpEnv();
        });
        env.put("SYNCLINE_REPLICA_ID", REPLICAS.get(cloud));
        // its own secret, then each peer's as replica=secret (functions-*/README.md)
        env.put("SYNCLINE_SECRETS", secrets.get(cloud) + "," + peerSecrets(cloud));
        env.put("SYNCLINE_PEERS", peers(cloud));
        // the outbox backoff on the sandbox's clock: 1 s and 60 s divided by TIME_SCALE
        env.put("SYNCLINE_OUTBOX_RETRY_BASE", Duration.ofSeconds(1).dividedBy(RetryPolicy.TIME_SCALE).toString());
        env.put("SYNCLINE_OUTBOX_RETRY_CAP", Duration.ofSeconds(60).dividedBy(RetryPolicy.TIME_SCALE).toString());
        CloudSpec spec = new CloudSpec(cloud, REPLICAS.get(cloud), Map.copyOf(env), List.copyOf(jvm), layout);
        Function<CloudSpec, Cloud> starter = switch (cloud) {
          case "aws" -> AwsCloud::start;
          case "azure" -> AzureCloud::start;
          default -> GcpCloud::start;
        };
        starting.put(cloud, CompletableFuture.supplyAsync(() -> starter.apply(spec)));
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
      progress.printf("[sandbox] functions up: AWS (Lambda runtime interface client), Azure (function.json host), "
          + "GCP (java-function-invoker), %.1f s%n", seconds(t0));

      for (String cloud : CLOUDS) {
        fronts.get(cloud).target(clouds.get(cloud).ingress());
        for (String to : CLOUDS) {
          if (!to.equals(cloud)) {
            links.get(linkName(cloud, to)).target(clouds.get(to).ingress());
          }
        }
      }
      BusListener busEvents = fanOutBus(busListeners);
      buses.put("aws", LocalBus.start("aws-eventbridge", RetryPolicy.eventBridge(), clouds.get("aws").busTarget(), busEvents, 8, ++s));
      buses.put("azure", LocalBus.start("azure-eventgrid", RetryPolicy.eventGrid(), clouds.get("azure").busTarget(), busEvents, 8, ++s));
      buses.put("gcp", LocalBus.start("gcp-pubsub", RetryPolicy.pubSub(), clouds.get("gcp").busTarget(), busEvents, 8, ++s));

      drainer = Executors.newScheduledThreadPool(CLOUDS.size(), r -> {
        Thread t = new Thread(r, "sandbox-drain-schedule");
        t.setDaemon(true);
        return t;
      });
      for (String cloud : CLOUDS) {
        Cloud c = clouds.get(cloud);
        drainer.scheduleWithFixedDelay(() -> {
          try {
            c.drain();
          } catch (IOException | RuntimeException e) {
            // the next tick tries again, as a scheduler would; the function's log has the cause
          }
        }, DRAIN_EVERY.toMillis(), DRAIN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      }
      control = ControlApi.start(links);
      progress.printf("[sandbox] buses, drain schedule (every %d ms) and fault-control API up, %.1f s%n",
          DRAIN_EVERY.toMillis(), seconds(t0));
    }

    String peers(String cloud) {
      List<String> out = new ArrayList<>();
      for (String to : CLOUDS) {
        if (!to.equals(cloud)) {
          out.add(REPLICAS.get(to) + "=" + links.get(linkName(cloud, to)).url());
        }
      }
      return String.join(",", out);
    }

    /** Each peer's inbound secret, which {@code cloud} signs what it sends that peer with. */
    String peerSecrets(String cloud) {
      List<String> out = new ArrayList<>();
      for (String to : CLOUDS) {
        if (!to.equals(cloud)) {
          out.add(REPLICAS.get(to) + "=" + secrets.get(to));
        }
      }
      return String.join(",", out);
    }

    void closeAll() {
      if (control != null) {
        control.close();
      }
      if (drainer != null) {
        drainer.shutdownNow();
      }
      buses.values().forEach(LocalBus::close);
      clouds.values().forEach(Cloud::close);
      fronts.values().forEach(FaultProxy::close);
      links.values().forEach(FaultProxy::close);
      if (emulators != null) {
        emulators.close();
      }
    }
  }

  /**
   * Pays every function's cold start before anyone measures: one intent on each cloud (the record
   * {@code sandbox/warmup}), a signed read on each ingress, and one drain each.
   */
  private void warmUp(PrintStream progress) {
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String cloud : CLOUDS) {
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
      close();
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

  public Cloud cloud(String cloud) {
    return require(clouds, cloud);
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

  /** Runs every cloud's drain once, now, in addition to the schedule. */
  public void drainAll() throws IOException {
    for (Cloud c : clouds.values()) {
      c.drain();
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
  public void close() {
    Builder b = new Builder();
    b.control = control;
    b.drainer = drainer;
    b.buses.putAll(buses);
    b.clouds.putAll(clouds);
    b.fronts.putAll(fronts);
    b.links.putAll(links);
    b.emulators = emulators;
    b.closeAll();
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
