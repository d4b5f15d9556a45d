package dev.syncline.e2e.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers for the sandbox's own HTTP endpoints (JDK {@code HttpServer}). */
public final class Http {

  /** The core's JSON configuration (exact decimals, duplicate keys refused), as a mapper of its own. */
  public static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();

  static {
    // The JDK server writes a response's headers and body separately; with Nagle's algorithm on
    // (its default) the body waits for the client's delayed ACK, about 40 ms per exchange on Linux.
    // Read once, when the JDK server first loads, so it must be set before any server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private Http() {}

  /** An HTTP server on a free loopback port, served by a pool of daemon threads. */
  public static HttpServer loopbackServer(String name) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
      server.setExecutor(daemonPool(name));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A cached pool of daemon threads named {@code name-N}. */
  public static ExecutorService daemonPool(String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Reads the request body, refusing (with {@code null}) anything over {@code limit} bytes. */
  public static byte[] body(HttpExchange exchange, int limit) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(limit + 1);
      return bytes.length > limit ? null : bytes;
    }
  }

  public static void json(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** An RFC 9457 problem answer. */
  public static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
    ObjectNode p = JSON.createObjectNode().put("type", "about:blank").put("title", title).put("status", status);
    if (detail != null) {
      p.put("detail", detail);
    }
    send(exchange, status, "application/problem+json", JSON.writeValueAsBytes(p));
  }

  public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    if (body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The {@code id} of a structured CloudEvent. */
  public static String idOf(byte[] cloudEvent) {
    try {
      return JSON.readTree(cloudEvent).path("id").asText();
    } catch (IOException e) {
      throw new IllegalArgumentException("not a structured CloudEvent", e);
    }
  }

  /** A free loopback port, for child processes that must be told theirs up front. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
