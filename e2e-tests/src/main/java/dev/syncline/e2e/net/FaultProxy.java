package dev.syncline.e2e.net;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A TLS-terminating HTTP/1.1 reverse proxy for one directed link between two clouds, or, with no
 * faults, a cloud's plain TLS front. It listens on {@code https://127.0.0.1:<port>} and forwards
 * every request (method, raw path and query, body, and headers other than hop-by-hop ones,
 * {@code Host} and {@code Content-Length}) to a plain-HTTP {@linkplain #target(URI) target}, then
 * relays the target's status, headers and body. A target that cannot be reached gives a 502
 * problem.
 *
 * <p>On the way it injects the link's {@link LinkFaults}. For each request the proxy draws six
 * numbers from one {@link SplittableRandom} seeded at {@link #start}, always six whatever the
 * faults, so the same seed and the same sequence of requests give the same decisions. Concurrent
 * requests draw in the order they arrive, which only sequential traffic makes reproducible. The
 * faults, in the order they are applied:
 *
 * <ol>
 *   <li>{@code down}: the link is partitioned. Nothing is forwarded; the proxy reads the request
 *       and closes the connection without a response, so the client gets an {@link IOException}.
 *   <li>{@code refuseChanges}: a {@code POST /events} (a replicated change) is answered {@code 400}
 *       with a problem, as a peer refuses an invalid change, and not forwarded; other requests go
 *       on to the faults below. It draws nothing, so it leaves the seeded decisions as they were.
 *   <li>{@code error5xx}: answered {@code 503} with {@code Retry-After: 1} and a problem, not
 *       forwarded.
 *   <li>{@code drop}: half the time the request is lost (not forwarded), half the time its answer
 *       is (forwarded, then the answer discarded); either way the connection is closed without a
 *       response.
 *   <li>{@code delayMs}: the request waits a uniform random delay in {@code [min, max]} ms.
 *   <li>{@code reorder}: the request is held back until a request that arrived after it has been
 *       delivered and answered, or for at most {@link #REORDER_HOLD}, so deliveries arrive out of
 *       order.
 *   <li>{@code duplicate}: once the first copy has been answered, a second copy is delivered; the
 *       client gets the first answer after both.
 * </ol>
 */
public final class FaultProxy implements AutoCloseable {

  /** Largest request body the proxy accepts; larger ones are answered 413. */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** The longest a reordered request waits for a later one to overtake it. */
  public static final Duration REORDER_HOLD = Duration.ofMillis(500);

  /** How long the target may take to answer one copy before the proxy answers 502. */
  public static final Duration TARGET_TIMEOUT = Duration.ofSeconds(60);

  /** RFC 9110 §7.6.1's hop-by-hop fields, plus the non-standard ones still seen in the wild. */
  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
      "te", "trailer", "transfer-encoding", "upgrade");

  /** Not forwarded either: the client sets them for the new connection (and refuses them from us). */
  private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "expect");

  /** Not relayed either: the server computes them for its own connection. */
  private static final Set<String> SET_BY_SERVER = Set.of("content-length", "date");

  private static final System.Logger LOG = System.getLogger(FaultProxy.class.getName());

  /**
   * The counters of one proxy since it started; a snapshot of independent counters, not one
   * atomic cut.
   *
   * @param requests requests received
   * @param forwarded copies delivered to the target, duplicates included, answered or not
   * @param dropped requests or answers lost to {@code drop}
   * @param duplicated requests delivered twice
   * @param reordered requests held back
   * @param delayed requests delayed
   * @param errors5xx requests answered 503 by {@code error5xx}
   * @param refusedDown requests refused because the link was down
   * @param refusedChanges changes answered 400 by {@code refuseChanges}
   * @param badGateway copies the target did not answer (unreachable, or no answer within
   *     {@link #TARGET_TIMEOUT}); the client gets 502 unless the copy was a duplicate or its
   *     answer was to be dropped
   */
  public record Stats(long requests, long forwarded, long dropped, long duplicated, long reordered, long delayed, long errors5xx, long refusedDown,
      long refusedChanges, long badGateway) {

    /** The counters as a JSON object with the components' names. */
    public ObjectNode toJson() {
      return Http.JSON.createObjectNode()
          .put("requests", requests)
          .put("forwarded", forwarded)
          .put("dropped", dropped)
          .put("duplicated", duplicated)
          .put("reordered", reordered)
          .put("delayed", delayed)
          .put("errors5xx", errors5xx)
          .put("refusedDown", refusedDown)
          .put("refusedChanges", refusedChanges)
          .put("badGateway", badGateway);
    }
  }

  private enum Drop { NONE, REQUEST, RESPONSE }

  /** What happens to one request; {@code seq} orders requests by arrival. */
  private record Decision(long seq, boolean down, boolean refuseChanges, boolean error5xx, Drop drop, long delayMs, boolean reorder,
      boolean duplicate) {}

  private final String name;
  private final ProxyListener listener;
  private final Duration reorderHold;
  private final HttpsServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private volatile URI target;
  private volatile LinkFaults faults = LinkFaults.NONE;

  private final SplittableRandom random; // guarded by this
  private long sequence; // guarded by this
  private final TreeMap<Long, CompletableFuture<Void>> held = new TreeMap<>(); // guarded by this

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong reordered = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();
  private final AtomicLong errors5xx = new AtomicLong();
  private final AtomicLong refusedDown = new AtomicLong();
  private final AtomicLong refusedChanges = new AtomicLong();
  private final AtomicLong badGateway = new AtomicLong();

  private FaultProxy(String name, SSLContext tls, long seed, ProxyListener listener, Duration reorderHold) {
    this.name = Objects.requireNonNull(name, "name");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.reorderHold = reorderHold;
    this.random = new SplittableRandom(seed);
    this.pool = Http.daemonPool(name + "-proxy");
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(HttpClient.Builder.NO_PROXY)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    try {
      this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen for link " + name, e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a proxy with no target and no faults; set the {@linkplain #target(URI) target} before
   * sending traffic (until then every request is answered 503).
   *
   * @param name the link's name, {@code from->to} such as {@code aws->azure}, or a front's name;
   *     passed to the listener
   * @param server the TLS context it serves with, normally {@link SandboxCa#serverContext()}
   * @param seed seeds the fault decisions
   */
  public static FaultProxy start(String name, SSLContext server, long seed, ProxyListener listener) {
    return new FaultProxy(name, server, seed, listener, REORDER_HOLD);
  }

  /**
   * As {@link #start}, with another longest hold for reordered requests: tests take a long one, so
   * that a slow machine cannot let it run out, or a short one, to see it run out.
   */
  static FaultProxy start(String name, SSLContext server, long seed, ProxyListener listener, Duration reorderHold) {
    return new FaultProxy(name, server, seed, listener, reorderHold);
  }

  public String name() {
    return name;
  }

  /** Where clients connect: {@code https://127.0.0.1:<port>}, no trailing slash. */
  public URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Sets where requests go: a plain-HTTP address such as {@code http://127.0.0.1:7071} or, with a
   * path prefix, {@code http://127.0.0.1:7071/api} (a request for {@code /events} then goes to
   * {@code /api/events}).
   *
   * @throws IllegalArgumentException if it is not an absolute {@code http} URI with a host and no query
   */
  public void target(URI plainHttpTarget) {
    URI t = Objects.requireNonNull(plainHttpTarget, "plainHttpTarget");
    if (!"http".equalsIgnoreCase(t.getScheme()) || t.getHost() == null || t.getRawQuery() != null || t.getRawFragment() != null) {
      throw new IllegalArgumentException("a proxy's target is a plain http://host:port[/prefix] address, got " + t);
    }
    this.target = t;
  }

  /** Replaces the link's faults; requests already past their decision keep the faults they drew. */
  public void faults(LinkFaults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  public LinkFaults faults() {
    return faults;
  }

  public Stats stats() {
    return new Stats(requests.get(), forwarded.get(), dropped.get(), duplicated.get(), reordered.get(), delayed.get(),
        errors5xx.get(), refusedDown.get(), refusedChanges.get(), badGateway.get());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      requests.incrementAndGet();
      byte[] body = Http.body(exchange, MAX_BODY_BYTES);
      if (body == null) {
        Http.problem(exchange, 413, "Content Too Large", "the sandbox's proxies take bodies of at most " + MAX_BODY_BYTES + " bytes");
        return;
      }
      URI t = target;
      if (t == null) {
        Http.problem(exchange, 503, "Service Unavailable", "link " + name + " has no target yet");
        return;
      }
      serve(exchange, t, body, decide(faults, isChange(exchange)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(exchange); // the proxy is closing
    } finally {
      exchange.close();
    }
  }

  private void serve(HttpExchange exchange, URI t, byte[] body, Decision d) throws IOException, InterruptedException {
    if (d.down()) {
      refusedDown.incrementAndGet();
      fault("down");
      abort(exchange);
      return;
    }
    if (d.refuseChanges()) {
      refusedChanges.incrementAndGet();
      fault("refuse-change");
      Http.problem(exchange, 400, "Bad Request", "the sandbox refused this change on link " + name + " (refuseChanges)");
      return;
    }
    if (d.error5xx()) {
      errors5xx.incrementAndGet();
      fault("error5xx");
      exchange.getResponseHeaders().set("Retry-After", "1");
      Http.problem(exchange, 503, "Service Unavailable", "the sandbox injected a 503 on link " + name);
      return;
    }
    if (d.drop() == Drop.REQUEST) {
      dropped.incrementAndGet();
      fault("drop-request");
      abort(exchange);
      return;
    }
    if (d.delayMs() > 0) {
      delayed.incrementAndGet();
      fault("delay");
      Thread.sleep(d.delayMs()); // the delay is the proxy's function, on this request's own thread
    }
    if (d.reorder()) {
      reordered.incrementAndGet();
      fault("reorder");
      holdBack(d.seq());
    }
    HttpRequest request = request(exchange, t, body);
    Answer answer;
    try {
      answer = forward(exchange, request, body);
    } finally {
      release(d.seq());
    }
    if (d.duplicate()) {
      duplicated.incrementAndGet();
      fault("duplicate");
      forward(exchange, request, body); // its answer, or its failure, is not the client's concern
    }
    if (d.drop() == Drop.RESPONSE) {
      dropped.incrementAndGet();
      fault("drop-response");
      abort(exchange);
      return;
    }
    if (answer.failure() != null) {
      Http.problem(exchange, 502, "Bad Gateway", "link " + name + " could not reach its target: " + answer.failure());
      return;
    }
    respond(exchange, answer.response());
  }

  /** Whether the request is a replicated change, which {@code refuseChanges} refuses. */
  private static boolean isChange(HttpExchange exchange) {
    return "POST".equals(exchange.getRequestMethod()) && "/events".equals(exchange.getRequestURI().getRawPath());
  }

  /** Draws the request's fate: always six numbers, so decisions depend only on the seed and the request's place. */
  private synchronized Decision decide(LinkFaults f, boolean change) {
    double error = random.nextDouble();
    double drop = random.nextDouble();
    double side = random.nextDouble();
    double delay = random.nextDouble();
    double reorder = random.nextDouble();
    double duplicate = random.nextDouble();
    long delayMs = f.delayMinMs() + Math.min(f.delayMaxMs() - f.delayMinMs(), (long) (delay * (f.delayMaxMs() - f.delayMinMs() + 1)));
    return new Decision(++sequence, f.down(), change && f.refuseChanges(), error < f.error5xx(),
        drop < f.drop() ? (side < 0.5 ? Drop.REQUEST : Drop.RESPONSE) : Drop.NONE,
        delayMs, reorder < f.reorder(), duplicate < f.duplicate());
  }

  /** Waits until a later request has been delivered and answered, or for the hold at most. */
  private void holdBack(long seq) throws InterruptedException {
    CompletableFuture<Void> overtaken = new CompletableFuture<>();
    synchronized (this) {
      held.put(seq, overtaken);
    }
    try {
      overtaken.get(reorderHold.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException noneCame) {
      // deliver it anyway: a reordered request is late, not lost
    } finally {
      synchronized (this) {
        held.remove(seq);
      }
    }
  }

  /** A request has been delivered: every request held back before it may go now. */
  private void release(long seq) {
    List<CompletableFuture<Void>> released;
    synchronized (this) {
      Map<Long, CompletableFuture<Void>> earlier = held.headMap(seq, false);
      released = new ArrayList<>(earlier.values());
      earlier.clear();
    }
    released.forEach(f -> f.complete(null));
  }

  private HttpRequest request(HttpExchange exchange, URI t, byte[] body) {
    String prefix = t.getRawPath() == null ? "" : t.getRawPath().replaceAll("/+$", "");
    String uri = t.getScheme() + "://" + t.getRawAuthority() + prefix + pathAndQuery(exchange);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
        .timeout(TARGET_TIMEOUT)
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    Headers headers = exchange.getRequestHeaders();
    Set<String> skip = connectionTokens(headers.get("Connection"));
    headers.forEach((header, values) -> {
      String lower = header.toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) || SET_BY_CLIENT.contains(lower) || skip.contains(lower)) {
        return;
      }
      for (String v : values) {
        try {
          b.header(header, v);
        } catch (IllegalArgumentException refused) {
          // a header the JDK client will not send (restricted or malformed): the target goes without
        }
      }
    });
    return b.build();
  }

  /** The target's answer to one copy, or why there was none. */
  private record Answer(HttpResponse<byte[]> response, IOException failure) {}

  /** Delivers one copy. */
  private Answer forward(HttpExchange exchange, HttpRequest request, byte[] body) throws InterruptedException {
    forwarded.incrementAndGet();
    long start = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      badGateway.incrementAndGet();
      return new Answer(null, e);
    }
    long end = System.nanoTime();
    tell(l -> l.exchanged(name, exchange.getRequestMethod(), pathAndQuery(exchange), body, response.statusCode(), start, end));
    return new Answer(response, null);
  }

  private void respond(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
    Headers out = exchange.getResponseHeaders();
    Set<String> skip = connectionTokens(answer.headers().allValues("Connection"));
    answer.headers().map().forEach((header, values) -> {
      String lower = header.toLowerCase(Locale.ROOT);
      if (!lower.startsWith(":") && !HOP_BY_HOP.contains(lower) && !SET_BY_SERVER.contains(lower) && !skip.contains(lower)) {
        values.forEach(v -> out.add(header, v));
      }
    });
    byte[] body = answer.body();
    int status = answer.statusCode();
    boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod()) || status == 204 || status == 304;
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      exchange.getResponseBody().write(body);
    }
  }

  /** The request's raw path and query, as the client sent them. */
  private static String pathAndQuery(HttpExchange exchange) {
    URI in = exchange.getRequestURI();
    return in.getRawPath() + (in.getRawQuery() == null ? "" : "?" + in.getRawQuery());
  }

  /** The fields a {@code Connection} header names, which are hop-by-hop too. */
  private static Set<String> connectionTokens(List<String> connection) {
    if (connection == null) {
      return Set.of();
    }
    Set<String> tokens = new HashSet<>();
    for (String v : connection) {
      for (String token : v.split(",")) {
        tokens.add(token.strip().toLowerCase(Locale.ROOT));
      }
    }
    return tokens;
  }

  /**
   * Ends the exchange without a response. Before response headers are sent, the JDK server's
   * {@code close} closes the connection itself, which is what a lost packet looks like to the
   * client: an {@link IOException}, never a status.
   */
  private static void abort(HttpExchange exchange) {
    exchange.close();
  }

  private void fault(String fault) {
    tell(l -> l.faulted(name, fault));
  }

  /** Calls the listener; one that throws is reported, not allowed to break the exchange. */
  private void tell(Consumer<ProxyListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "proxy listener failed on link " + name, e);
    }
  }

  /** Stops listening, closes open connections and lets every held request go. */
  @Override
  public void close() {
    server.stop(0);
    synchronized (this) {
      held.values().forEach(f -> f.complete(null));
      held.clear();
    }
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "FaultProxy[" + name + " " + url() + " -> " + target + ", " + faults + "]";
  }
}
