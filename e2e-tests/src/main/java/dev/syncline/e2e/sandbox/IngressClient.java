package dev.syncline.e2e.sandbox;

import dev.syncline.core.http.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * A client for one cloud's ingress (DESIGN §6) that signs every request per Standard Webhooks with
 * the sandbox secret, as a peer or an operator with the secret would.
 */
public final class IngressClient {

  private final URI base;
  private final String secret;
  private final HttpClient http;

  /**
   * @param base {@code https://127.0.0.1:<port>} (or a plain-HTTP address inside the sandbox)
   * @param sslContext trusts the sandbox CA; {@code null} for plain HTTP
   */
  public IngressClient(URI base, String secret, SSLContext sslContext) {
    this.base = base;
    this.secret = secret;
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    this.http = b.build();
  }

  /** {@code GET /records/{entity}/{id}}, signed over {@code GET <path>} (DESIGN section 6). */
  public HttpResponse<String> record(String entity, String id) throws IOException {
    return get("/records/" + entity + "/" + id);
  }

  /**
   * {@code GET /records/{entity}/{id}?repair=true}: read repair, the view after merging every
   * peer's state, with a {@code repair} member naming the peers that answered and those that did not.
   */
  public HttpResponse<String> repairedRecord(String entity, String id) throws IOException {
    return get("/records/" + entity + "/" + id + "?repair=true");
  }

  /** A signed {@code GET} of any route, such as {@code /admin/dead-letters}, signed over {@code GET <pathAndQuery>}. */
  public HttpResponse<String> get(String pathAndQuery) throws IOException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery)).GET();
    sign(req, "get-" + UUID.randomUUID(), ("GET " + pathAndQuery).getBytes(StandardCharsets.UTF_8));
    return send(req.build());
  }

  /**
   * A signed {@code POST} of a JSON body ({@code application/json}) to a route other than
   * {@code /events}, such as {@code /admin/dead-letters/replay}.
   */
  public HttpResponse<String> postJson(String path, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    sign(req, "post-" + UUID.randomUUID(), body);
    return send(req.build());
  }

  /** {@code POST /events} with a structured CloudEvent, signed with {@code webhookId} (its ce id). */
  public HttpResponse<String> postStructured(String webhookId, byte[] cloudEvent) throws IOException {
    HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/events"))
        .header("Content-Type", "application/cloudevents+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEvent));
    sign(req, webhookId, cloudEvent);
    return send(req.build());
  }

  /** Sends a request exactly as built: for hostile requests that must not be signed properly. */
  public HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Adds the three Standard Webhooks headers for {@code payload} (the body of a POST, {@code GET
   * <path-and-query>} for a GET), timestamped now.
   */
  public HttpRequest.Builder sign(HttpRequest.Builder request, String webhookId, byte[] body) {
    long now = System.currentTimeMillis() / 1000;
    return request.header(WebhookSignature.ID_HEADER, webhookId)
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, webhookId, now, body));
  }

  public URI base() {
    return base;
  }
}
