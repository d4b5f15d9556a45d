package dev.syncline.e2e.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A local implementation of Lambda's Runtime API (version 2018-06-01) for one function: callers
 * {@link #invoke} it, the invocations wait in one queue, and every execution environment of the
 * function takes them from its own {@link Endpoint} with {@code GET /runtime/invocation/next}, as
 * the Runtime Interface Client in a Lambda execution environment does with its local Runtime API.
 *
 * <p>Each execution environment gets its own endpoint (its own loopback port, given to the runtime
 * as {@code AWS_LAMBDA_RUNTIME_API}), so that the endpoint knows which invocation its runtime holds:
 * when the environment dies, that invocation fails with {@code Runtime.ExitError} at once, as on
 * Lambda, instead of waiting for its timeout.
 *
 * <p>Served per endpoint (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
 * <ul>
 *   <li>{@code GET /2018-06-01/runtime/invocation/next}: blocks until an invocation is queued, then
 *       answers its payload with {@code Lambda-Runtime-Aws-Request-Id},
 *       {@code Lambda-Runtime-Deadline-Ms}, {@code Lambda-Runtime-Invoked-Function-Arn} and
 *       {@code Lambda-Runtime-Trace-Id};
 *   <li>{@code POST /2018-06-01/runtime/invocation/{id}/response} and {@code .../{id}/error}
 *       ({@code Lambda-Runtime-Function-Error-Type}): 202;
 *   <li>{@code POST /2018-06-01/runtime/init/error}: 202, and the endpoint remembers the error.
 * </ul>
 */
final class LambdaRuntimeApi implements AutoCloseable {

  /** Lambda's limit on a synchronous invocation's request and response payloads: 6 MB. */
  static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

  private static final String PREFIX = "/2018-06-01/runtime/";
  private static final long POLL_MILLIS = 250;

  private final String functionArn;
  private final Duration timeout;
  private final LinkedBlockingDeque<Invocation> queue = new LinkedBlockingDeque<>();
  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * @param functionArn the {@code Lambda-Runtime-Invoked-Function-Arn} of every invocation
   * @param timeout the function's timeout: an invocation not answered within it, counted from
   *     {@link #invoke}, fails with a {@link TimeoutException}
   */
  LambdaRuntimeApi(String functionArn, Duration timeout) {
    this.functionArn = functionArn;
    this.timeout = timeout;
  }

  /**
   * Queues one invocation for the function's execution environments.
   *
   * @return completes with the function's {@link Invocation.Result}, or exceptionally with a
   *     {@link TimeoutException} when the function's timeout passes first
   */
  CompletableFuture<Invocation.Result> invoke(byte[] payload) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the Runtime API of " + functionArn + " is closed"));
    }
    Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload, timeout, System.currentTimeMillis(), traceId());
    queue.addLast(invocation);
    return invocation.result().copy();
  }

  /** Invocations waiting for an execution environment. */
  int queued() {
    return queue.size();
  }

  /** How long the oldest invocation still queued has waited for an execution environment; 0 if none waits. */
  long oldestQueuedMillis() {
    Invocation oldest = queue.peekFirst();
    return oldest == null ? 0 : oldest.ageMillis();
  }

  /**
   * Opens a Runtime API endpoint for one new execution environment.
   *
   * @param name for thread names
   * @param onTimeout called (on a timer thread; do not block) with the invocation this
   *     environment held when it timed out: Lambda then replaces the environment
   */
  Endpoint openEndpoint(String name, Consumer<Invocation> onTimeout) {
    if (closed) {
      throw new IllegalStateException("the Runtime API of " + functionArn + " is closed");
    }
    Endpoint endpoint = new Endpoint(name, onTimeout);
    endpoints.add(endpoint);
    return endpoint;
  }

  /** Stops every endpoint; queued invocations fail. */
  @Override
  public void close() {
    closed = true;
    endpoints.forEach(e -> e.abandon("the function was shut down"));
    for (Invocation left; (left = queue.pollFirst()) != null; ) {
      left.result().completeExceptionally(new IllegalStateException("the function was shut down"));
    }
  }

  private static String traceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    byte[] root = new byte[12];
    byte[] parent = new byte[8];
    random.nextBytes(root);
    random.nextBytes(parent);
    return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.formatHex(root)
        + ";Parent=" + hex.formatHex(parent) + ";Sampled=0";
  }

  /** The Runtime API as one execution environment sees it. */
  final class Endpoint implements AutoCloseable {

    private final HttpServer server;
    private final Consumer<Invocation> onTimeout;
    private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
    private volatile String initError;
    private Invocation inFlight; // guarded by this
    private volatile String abandoned;

    private Endpoint(String name, Consumer<Invocation> onTimeout) {
      this.onTimeout = onTimeout;
      this.server = Http.loopbackServer(name + "-runtime-api");
      server.createContext(PREFIX, this::handle);
      server.start();
    }

    /** {@code 127.0.0.1:<port>}, the runtime's {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Completes when the runtime first asks for an invocation: it has initialised. */
    CompletableFuture<Void> firstPoll() {
      return firstPoll;
    }

    /** What the runtime reported on {@code /runtime/init/error}, or null. */
    String initError() {
      return initError;
    }

    /**
     * Takes this endpoint out of service because its execution environment is gone: the
     * invocation its runtime held fails with {@code Runtime.ExitError}, and a {@code /next} still
     * waiting puts back what it takes.
     */
    void abandon(String reason) {
      Invocation held;
      synchronized (this) {
        abandoned = reason;
        held = inFlight;
        inFlight = null;
      }
      if (held != null) {
        held.complete(new Invocation.Result.FunctionError("Runtime.ExitError", errorDocument("Runtime.ExitError",
            "RequestId: " + held.requestId() + " Error: " + reason)));
      }
      server.stop(0);
      endpoints.remove(this);
    }

    @Override
    public void close() {
      abandon("the execution environment was shut down");
    }

    private void handle(HttpExchange exchange) throws IOException {
      String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
      String method = exchange.getRequestMethod();
      try {
        if (method.equals("GET") && path.equals("invocation/next")) {
          next(exchange);
        } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
          respond(exchange, path.substring("invocation/".length(), path.length() - "/response".length()));
        } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
          error(exchange, path.substring("invocation/".length(), path.length() - "/error".length()));
        } else if (method.equals("POST") && path.equals("init/error")) {
          byte[] body = Http.body(exchange, MAX_PAYLOAD_BYTES);
          initError = errorType(exchange) + ": " + (body == null ? "(too large)" : Http.text(body));
          accepted(exchange);
        } else {
          runtimeError(exchange, 404, "InvalidRequest", "no such Runtime API resource: " + method + " " + path);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.close();
      }
    }

    private void next(HttpExchange exchange) throws IOException, InterruptedException {
      firstPoll.complete(null);
      Invocation invocation = take();
      if (invocation == null) {
        runtimeError(exchange, 500, "ServiceException", "the execution environment is shutting down");
        return;
      }
      invocation.result().whenComplete((result, failure) -> {
        if (failure instanceof TimeoutException && takeInFlight(invocation.requestId()) != null) {
          onTimeout.accept(invocation);
        }
      });
      var headers = exchange.getResponseHeaders();
      headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
      headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadlineEpochMillis()));
      headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
      headers.set("Lambda-Runtime-Trace-Id", invocation.traceId());
      try {
        // The runtime's native client requires a Content-Type on /next (it crashes without one).
        Http.send(exchange, 200, "application/json", invocation.payload());
      } catch (IOException e) {
        // The runtime went away before it got the invocation: someone else may take it.
        if (takeInFlight(invocation.requestId()) != null) {
          invocation.release();
          queue.addFirst(invocation);
        }
        throw e;
      }
    }

    /**
     * Blocks until an invocation is available to this environment and makes it the one in flight;
     * null once the endpoint is abandoned. Waits in short slices only to notice that.
     */
    private Invocation take() throws InterruptedException {
      while (abandoned == null && !closed) {
        Invocation next = queue.pollFirst(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (next == null || !next.claim()) {
          continue; // nothing yet, or an invocation that already timed out in the queue
        }
        synchronized (this) {
          if (abandoned == null) {
            inFlight = next;
            return next;
          }
        }
        next.release();
        queue.addFirst(next);
      }
      return null;
    }

    /** Clears and returns the invocation in flight if it is {@code requestId}; else null. */
    private synchronized Invocation takeInFlight(String requestId) {
      Invocation held = inFlight;
      if (held == null || !held.requestId().equals(requestId)) {
        return null;
      }
      inFlight = null;
      return held;
    }

    private void respond(HttpExchange exchange, String requestId) throws IOException {
      byte[] body = Http.body(exchange, MAX_PAYLOAD_BYTES);
      Invocation invocation = takeInFlight(requestId);
      if (invocation == null) {
        runtimeError(exchange, 400, "InvalidRequestID", "no invocation " + requestId + " is in flight here");
        return;
      }
      if (body == null) {
        invocation.complete(new Invocation.Result.FunctionError("Function.ResponseSizeTooLarge", errorDocument(
            "Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (" + MAX_PAYLOAD_BYTES + " bytes).")));
        runtimeError(exchange, 413, "RequestEntityTooLarge", "response over " + MAX_PAYLOAD_BYTES + " bytes");
        return;
      }
      invocation.complete(new Invocation.Result.Response(body));
      accepted(exchange);
    }

    private void error(HttpExchange exchange, String requestId) throws IOException {
      byte[] body = Http.body(exchange, MAX_PAYLOAD_BYTES);
      Invocation invocation = takeInFlight(requestId);
      if (invocation == null) {
        runtimeError(exchange, 400, "InvalidRequestID", "no invocation " + requestId + " is in flight here");
        return;
      }
      invocation.complete(new Invocation.Result.FunctionError(errorType(exchange),
          body == null ? errorDocument("Unhandled", "error document too large") : body));
      accepted(exchange);
    }

    private String errorType(HttpExchange exchange) {
      String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
      return type == null || type.isBlank() ? "Unhandled" : type;
    }

    private void accepted(HttpExchange exchange) throws IOException {
      Http.send(exchange, 202, "application/json", "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
    }

    private void runtimeError(HttpExchange exchange, int status, String type, String message) throws IOException {
      Http.send(exchange, status, "application/json", errorDocument(type, message));
    }
  }

  /** Lambda's error document, {@code {"errorMessage":..,"errorType":..}}. */
  static byte[] errorDocument(String errorType, String message) {
    return Http.JSON.createObjectNode().put("errorMessage", message).put("errorType", errorType).toString()
        .getBytes(StandardCharsets.UTF_8);
  }
}
