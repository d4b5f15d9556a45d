package dev.syncline.e2e.net;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The sandbox's fault-control API (DESIGN §8), plain HTTP on a loopback port, over the fault
 * proxies of the inter-cloud links, keyed {@code from->to} such as {@code aws->azure}:
 *
 * <ul>
 *   <li>{@code PUT /links/{from}/{to}} with a {@link LinkFaults#parse JSON LinkFaults} body
 *       replaces that link's faults and answers 200 with them; 400 if the body is not valid
 *       faults, 404 if there is no such link (an unknown cloud, or {@code from} = {@code to}).
 *   <li>{@code DELETE /links} heals every link: 204.
 *   <li>{@code DELETE /links/{from}/{to}} heals one link: 204.
 *   <li>{@code GET /links}: 200 with every link's faults and {@linkplain FaultProxy.Stats stats},
 *       {@code {"aws->azure":{"down":false,...,"stats":{"requests":3,...}},...}}, keys sorted.
 *   <li>{@code GET /links/{from}/{to}}: the same for one link.
 * </ul>
 *
 * Every error is an RFC 9457 problem: 404 for other paths, 405 (with {@code Allow}) for other
 * methods. The API does not own the proxies: closing it leaves them running.
 */
public final class ControlApi implements AutoCloseable {

  /** Largest body {@code PUT} accepts. */
  public static final int MAX_BODY_BYTES = 4096;

  private final Map<String, FaultProxy> links;
  private final HttpServer server;

  private ControlApi(Map<String, FaultProxy> links) {
    this.links = new TreeMap<>(links);
    this.server = Http.loopbackServer("control");
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts the API on a free loopback port.
   *
   * @param links the proxies by link, {@code from->to}; copied
   */
  public static ControlApi start(Map<String, FaultProxy> links) {
    return new ControlApi(Objects.requireNonNull(links, "links"));
  }

  /** {@code http://127.0.0.1:<port>}, no trailing slash: what {@code endpoints.json} calls {@code control}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Replaces the faults of the link {@code from->to}, as {@code PUT} does.
   *
   * @throws NoSuchElementException if there is no such link
   */
  public void set(String from, String to, LinkFaults faults) {
    FaultProxy proxy = links.get(key(from, to));
    if (proxy == null) {
      throw new NoSuchElementException(noSuchLink(from, to));
    }
    proxy.faults(Objects.requireNonNull(faults, "faults"));
  }

  /** Heals every link, as {@code DELETE /links} does. */
  public void healAll() {
    links.values().forEach(p -> p.faults(LinkFaults.NONE));
  }

  /** Every link's faults and stats, as {@code GET /links} answers. */
  public ObjectNode state() {
    ObjectNode all = Http.JSON.createObjectNode();
    links.forEach((link, proxy) -> all.set(link, state(proxy)));
    return all;
  }

  private static ObjectNode state(FaultProxy proxy) {
    ObjectNode o = proxy.faults().toJson();
    o.set("stats", proxy.stats().toJson());
    return o;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String[] parts = path.replaceAll("/+$", "").split("/", -1);
      if (parts.length == 2 && "links".equals(parts[1])) {
        all(exchange, method);
      } else if (parts.length == 4 && "links".equals(parts[1])) {
        one(exchange, method, parts[2], parts[3]);
      } else {
        Http.problem(exchange, 404, "Not Found", "the control API has /links and /links/{from}/{to}");
      }
    } finally {
      exchange.close();
    }
  }

  private void all(HttpExchange exchange, String method) throws IOException {
    switch (method) {
      case "GET" -> Http.json(exchange, 200, state());
      case "DELETE" -> {
        healAll();
        Http.send(exchange, 204, null, new byte[0]);
      }
      default -> notAllowed(exchange, "GET, DELETE");
    }
  }

  private void one(HttpExchange exchange, String method, String from, String to) throws IOException {
    FaultProxy proxy = links.get(key(from, to));
    if (proxy == null) {
      Http.problem(exchange, 404, "Not Found", noSuchLink(from, to));
      return;
    }
    switch (method) {
      case "GET" -> Http.json(exchange, 200, state(proxy));
      case "DELETE" -> {
        proxy.faults(LinkFaults.NONE);
        Http.send(exchange, 204, null, new byte[0]);
      }
      case "PUT" -> {
        byte[] body = Http.body(exchange, MAX_BODY_BYTES);
        if (body == null) {
          Http.problem(exchange, 413, "Content Too Large", "link faults are at most " + MAX_BODY_BYTES + " bytes");
          return;
        }
        LinkFaults faults;
        try {
          faults = LinkFaults.parse(body);
        } catch (IllegalArgumentException e) {
          Http.problem(exchange, 400, "Bad Request", e.getMessage());
          return;
        }
        proxy.faults(faults);
        Http.json(exchange, 200, faults.toJson());
      }
      default -> notAllowed(exchange, "GET, PUT, DELETE");
    }
  }

  private static void notAllowed(HttpExchange exchange, String allow) throws IOException {
    exchange.getResponseHeaders().set("Allow", allow);
    Http.problem(exchange, 405, "Method Not Allowed", "allowed: " + allow);
  }

  private String noSuchLink(String from, String to) {
    return "no link " + key(from, to) + "; links: " + String.join(", ", links.keySet());
  }

  private static String key(String from, String to) {
    return from + "->" + to;
  }

  /** Stops the API; the proxies keep running. */
  @Override
  public void close() {
    server.stop(0);
  }
}
