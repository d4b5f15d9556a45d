package dev.syncline.e2e.net;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-HTTP stand-in for a cloud's ingress: records every request it receives and answers
 * {@code 201} with {@code X-Target: yes} and the body {@code echo:<request body>}.
 */
final class RecordingTarget implements AutoCloseable {

  /** One request as the target saw it. */
  record Seen(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server = Http.loopbackServer("target");
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  RecordingTarget() {
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  List<String> bodies() {
    return seen.stream().map(Seen::body).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = Http.text(exchange.getRequestBody().readAllBytes());
    URI uri = exchange.getRequestURI();
    seen.add(new Seen(exchange.getRequestMethod(), uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
        Map.copyOf(exchange.getRequestHeaders()), body));
    exchange.getResponseHeaders().add("X-Target", "yes");
    Http.send(exchange, 201, "text/plain", ("echo:" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
