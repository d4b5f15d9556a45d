package dev.syncline.e2e.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cloud's event bus in the sandbox. {@code POST /} with a structured CloudEvent
 * ({@code application/cloudevents+json}) queues it and answers 202; workers deliver it through
 * the platform's {@link BusTarget} and redeliver failures on the platform's {@link RetryPolicy}
 * until it is delivered or dead-lettered. Like the real buses it promises at-least-once delivery
 * and no order.
 */
public final class LocalBus implements AutoCloseable {

  /** One event the bus gave up on. */
  public record DeadLetter(String eventId, int attempts, String failure, byte[] cloudEvent) {}

  private final String name;
  private final RetryPolicy policy;
  private final BusTarget target;
  private final BusListener listener;
  private final HttpServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final SplittableRandom random;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  private LocalBus(String name, RetryPolicy policy, BusTarget target, BusListener listener, int concurrency, long seed) {
    this.name = name;
    this.policy = policy;
    this.target = target;
    this.listener = listener;
    this.random = new SplittableRandom(seed);
    this.workers = Executors.newFixedThreadPool(concurrency, daemon(name + "-delivery"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-retry"));
    this.server = Http.loopbackServer(name + "-http");
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a bus.
   *
   * @param concurrency deliveries in flight at once (the platform's concurrent invocations)
   * @param seed for the retry jitter
   */
  public static LocalBus start(String name, RetryPolicy policy, BusTarget target, BusListener listener, int concurrency, long seed) {
    return new LocalBus(name, policy, target, listener, concurrency, seed);
  }

  /** Where to {@code POST} events: {@code http://127.0.0.1:<port>/}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  public String name() {
    return name;
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** An event larger than the platform takes: refused at publishing, as the platform's API does. */
  public static final class TooLarge extends IllegalArgumentException {
    TooLarge(String message) {
      super(message);
    }
  }

  /**
   * Queues one event, as {@code POST /} does.
   *
   * @return the event's id
   * @throws TooLarge if it is larger than the platform takes
   * @throws IllegalArgumentException if it is not a structured CloudEvent 1.0 with id, source and type
   */
  public String publish(byte[] cloudEvent) {
    if (cloudEvent.length > policy.maxEventBytes()) {
      throw new TooLarge(policy.platform() + " takes events of at most " + policy.maxEventBytes() + " bytes");
    }
    String id = validate(cloudEvent);
    inFlight.incrementAndGet();
    long published = System.nanoTime();
    workers.execute(() -> attempt(id, cloudEvent, 1, published));
    return id;
  }

  /** Events published and neither delivered nor dead-lettered yet. */
  public int inFlight() {
    return inFlight.get();
  }

  public synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  private void attempt(String id, byte[] event, int attempt, long published) {
    String failure;
    int status = 0;
    try {
      status = target.deliver(event, attempt);
      if (status / 100 == 2) {
        listener.delivered(name, id, attempt, published, System.nanoTime());
        inFlight.decrementAndGet();
        return;
      }
      failure = "HTTP " + status;
    } catch (IOException | RuntimeException e) {
      failure = e.toString();
    }
    long ageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);
    if (policy.deadLetterAt().contains(status) || attempt >= policy.maxAttempts() || ageMillis >= policy.maxAge().toMillis()) {
      synchronized (this) {
        deadLetters.add(new DeadLetter(id, attempt, failure, event));
      }
      listener.deadLettered(name, id, attempt, failure);
      inFlight.decrementAndGet();
      return;
    }
    listener.retrying(name, id, attempt, failure);
    long delay;
    synchronized (random) {
      delay = policy.backoff(attempt, random).toMillis();
    }
    timer.schedule(() -> workers.execute(() -> attempt(id, event, attempt + 1, published)), delay, TimeUnit.MILLISECONDS);
  }

  private void handle(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      Http.problem(exchange, 405, "Method Not Allowed", "publish with POST");
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/cloudevents+json")) {
      Http.problem(exchange, 415, "Unsupported Media Type", "publish a structured CloudEvent as application/cloudevents+json");
      return;
    }
    // Each platform's own limit (EventBridge 256 KB, Event Grid 1 MB, Pub/Sub 10 MB).
    byte[] body = Http.body(exchange, policy.maxEventBytes());
    try {
      if (body == null) {
        throw new TooLarge(policy.platform() + " takes events of at most " + policy.maxEventBytes() + " bytes");
      }
      String id = publish(body);
      Http.json(exchange, 202, Http.JSON.createObjectNode().put("id", id));
    } catch (TooLarge e) {
      Http.problem(exchange, 413, "Content Too Large", e.getMessage());
    } catch (IllegalArgumentException e) {
      Http.problem(exchange, 400, "Bad Request", e.getMessage());
    }
  }

  private static String validate(byte[] cloudEvent) {
    JsonNode node;
    try {
      node = Http.JSON.readTree(cloudEvent);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a structured CloudEvent is a JSON object");
    }
    if (!"1.0".equals(node.path("specversion").asText())) {
      throw new IllegalArgumentException("specversion must be \"1.0\"");
    }
    for (String attr : new String[] {"id", "source", "type"}) {
      if (!node.path(attr).isTextual() || node.path(attr).asText().isEmpty()) {
        throw new IllegalArgumentException("the CloudEvent needs a non-empty \"" + attr + "\"");
      }
    }
    return node.get("id").asText();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
