package dev.syncline.e2e.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The plain-HTTP stand-in for a Lambda Function URL in front of one function: every request
 * becomes a payload format 2.0 event, invoked synchronously, and the function's response object
 * ({@code statusCode}, {@code headers}, {@code multiValueHeaders}, {@code cookies}, {@code body},
 * {@code isBase64Encoded}) becomes the HTTP answer, as
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html describes. A function error or
 * timeout answers 502, a request whose event would exceed Lambda's 6 MB payload limit 413, both as
 * RFC 9457 problems. Requests are served concurrently.
 */
final class FunctionUrlFront implements AutoCloseable {

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final List<String> HOP_BY_HOP = List.of("content-length", "transfer-encoding", "connection", "keep-alive");

  /** An HTTP answer the front sends. */
  record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {}

  private final String urlId;
  private final String accountId;
  private final String region;
  private final Function<byte[], CompletableFuture<Invocation.Result>> function;
  private final HttpServer server;

  /**
   * @param urlId the URL id, the first label of {@code <url-id>.lambda-url.<region>.on.aws}
   * @param function invokes the function synchronously
   */
  FunctionUrlFront(String urlId, String accountId, String region, Function<byte[], CompletableFuture<Invocation.Result>> function) {
    this.urlId = urlId;
    this.accountId = accountId;
    this.region = region;
    this.function = function;
    this.server = Http.loopbackServer(urlId + "-function-url");
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        serve(exchange);
      } catch (RuntimeException e) {
        Http.problem(exchange, 502, "Bad Gateway", "the Function URL front failed: " + e);
      }
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(LambdaRuntimeApi.MAX_PAYLOAD_BYTES + 1);
    if (body.length > LambdaRuntimeApi.MAX_PAYLOAD_BYTES) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream()); // read it all, so the client gets the answer
      Http.problem(exchange, 413, "Payload Too Large", "the request exceeds Lambda's " + LambdaRuntimeApi.MAX_PAYLOAD_BYTES + "-byte payload limit");
      return;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach(headers::put);
    ObjectNode event = event(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getProtocol(), headers,
        exchange.getRemoteAddress().getAddress().getHostAddress(), body, UUID.randomUUID().toString(), Instant.now());
    byte[] payload = Http.JSON.writeValueAsBytes(event);
    if (payload.length > LambdaRuntimeApi.MAX_PAYLOAD_BYTES) {
      Http.problem(exchange, 413, "Payload Too Large", "the request exceeds Lambda's " + LambdaRuntimeApi.MAX_PAYLOAD_BYTES + "-byte payload limit");
      return;
    }
    Answer answer = answer(function.apply(payload));
    answer.headers().forEach(h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue()));
    Http.send(exchange, answer.status(), null, answer.body());
  }

  /** Waits for the invocation and maps its result; a failure or timeout is a 502. */
  static Answer answer(CompletableFuture<Invocation.Result> invocation) {
    try {
      Invocation.Result result = invocation.get();
      if (result instanceof Invocation.Result.FunctionError error) {
        return problem(502, "Bad Gateway", "the function failed: " + error.errorType());
      }
      return response(((Invocation.Result.Response) result).payload());
    } catch (ExecutionException e) {
      return problem(502, "Bad Gateway", e.getCause() instanceof TimeoutException
          ? "the function timed out" : "the function could not be invoked: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return problem(502, "Bad Gateway", "interrupted");
    }
  }

  /**
   * The payload format 2.0 event of one request.
   *
   * @param headers as received; names are lower-cased, repeated headers comma-joined, and
   *     {@code Cookie} goes to {@code cookies}
   */
  ObjectNode event(String method, URI uri, String protocol, Map<String, List<String>> headers, String sourceIp,
      byte[] body, String requestId, Instant now) {
    String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    ObjectNode event = Http.JSON.createObjectNode()
        .put("version", "2.0")
        .put("routeKey", "$default")
        .put("rawPath", rawPath)
        .put("rawQueryString", rawQuery);
    Map<String, String> lower = new LinkedHashMap<>();
    List<String> cookies = new ArrayList<>();
    headers.forEach((name, values) -> {
      String key = name.toLowerCase(Locale.ROOT);
      if (key.equals("cookie")) {
        values.forEach(v -> {
          for (String c : v.split(";")) {
            if (!c.isBlank()) {
              cookies.add(c.trim());
            }
          }
        });
      } else {
        lower.merge(key, String.join(",", values), (a, b) -> a + "," + b);
      }
    });
    lower.putIfAbsent("x-amzn-trace-id", "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    lower.putIfAbsent("x-forwarded-for", sourceIp);
    lower.putIfAbsent("x-forwarded-proto", "http");
    if (!cookies.isEmpty()) {
      ArrayNode c = event.putArray("cookies");
      cookies.forEach(c::add);
    }
    ObjectNode h = event.putObject("headers");
    lower.forEach(h::put);
    if (!rawQuery.isEmpty()) {
      Map<String, String> params = new LinkedHashMap<>();
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        params.merge(k, v, (a, b) -> a + "," + b);
      }
      ObjectNode q = event.putObject("queryStringParameters");
      params.forEach(q::put);
    }
    String domain = urlId + ".lambda-url." + region + ".on.aws";
    ObjectNode context = event.putObject("requestContext")
        .put("accountId", accountId)
        .put("apiId", urlId)
        .put("domainName", domain)
        .put("domainPrefix", urlId);
    context.putObject("http")
        .put("method", method)
        .put("path", rawPath)
        .put("protocol", protocol)
        .put("sourceIp", sourceIp)
        .put("userAgent", lower.getOrDefault("user-agent", ""));
    context.put("requestId", requestId)
        .put("routeKey", "$default")
        .put("stage", "$default")
        .put("time", CLF_TIME.format(now))
        .put("timeEpoch", now.toEpochMilli());
    if (body.length > 0) {
      String text = isText(lower.get("content-type")) ? utf8(body) : null;
      event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body));
      event.put("isBase64Encoded", text == null);
    } else {
      event.put("isBase64Encoded", false);
    }
    return event;
  }

  /**
   * The HTTP answer for a function's response payload: a response object with {@code statusCode},
   * or else (valid JSON without one) a 200 {@code application/json} whose body is the payload.
   */
  static Answer response(byte[] payload) {
    JsonNode node;
    try {
      node = Http.JSON.readTree(payload);
    } catch (IOException e) {
      return problem(502, "Bad Gateway", "the function's response is not JSON");
    }
    if (node == null || !node.isObject() || !node.has("statusCode")) {
      return new Answer(200, List.of(Map.entry("Content-Type", "application/json")), payload);
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean contentType = false;
    for (var field : iterable(node.path("headers"))) {
      if (!HOP_BY_HOP.contains(field.getKey().toLowerCase(Locale.ROOT)) && !field.getValue().isNull()) {
        headers.add(Map.entry(field.getKey(), field.getValue().asText()));
        contentType |= field.getKey().equalsIgnoreCase("content-type");
      }
    }
    for (var field : iterable(node.path("multiValueHeaders"))) {
      if (!HOP_BY_HOP.contains(field.getKey().toLowerCase(Locale.ROOT))) {
        for (JsonNode v : field.getValue()) {
          headers.add(Map.entry(field.getKey(), v.asText()));
          contentType |= field.getKey().equalsIgnoreCase("content-type");
        }
      }
    }
    for (JsonNode cookie : node.path("cookies")) {
      headers.add(Map.entry("Set-Cookie", cookie.asText()));
    }
    if (!contentType) {
      headers.add(Map.entry("Content-Type", "application/json"));
    }
    JsonNode body = node.path("body");
    byte[] bytes;
    if (body.isMissingNode() || body.isNull()) {
      bytes = new byte[0];
    } else if (node.path("isBase64Encoded").asBoolean(false)) {
      try {
        bytes = Base64.getDecoder().decode(body.asText());
      } catch (IllegalArgumentException e) {
        return problem(502, "Bad Gateway", "the function's response body is not valid base64");
      }
    } else {
      bytes = (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
    }
    int status = node.path("statusCode").asInt(0);
    if (status < 100 || status > 599) {
      return problem(502, "Bad Gateway", "the function's response has no valid statusCode");
    }
    return new Answer(status, headers, bytes);
  }

  private static Answer problem(int status, String title, String detail) {
    ObjectNode p = Http.JSON.createObjectNode().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
    return new Answer(status, List.of(Map.entry("Content-Type", "application/problem+json")),
        p.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Text media types whose bodies a Function URL passes as text (if they are valid UTF-8). */
  static boolean isText(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.startsWith("text/") || type.endsWith("/json") || type.endsWith("+json") || type.endsWith("/xml")
        || type.endsWith("+xml") || type.equals("application/javascript") || type.equals("application/x-www-form-urlencoded");
  }

  /** The bytes as a string if they are valid UTF-8, else null. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
