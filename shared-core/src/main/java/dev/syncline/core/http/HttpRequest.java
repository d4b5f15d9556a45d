package dev.syncline.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider-neutral HTTP request, as a cloud's HTTP trigger hands it to {@link IngressHandler}.
 *
 * @param method the method in upper case, e.g. {@code POST}
 * @param target the request target exactly as the client sent it (path and query), which a
 *     {@code GET}'s signature covers; it differs from {@code path} only where the platform puts a
 *     prefix of its own in front (see functions-gcp)
 * @param path the path the ingress routes on, e.g. {@code /records/user/42}; a query string is
 *     ignored
 * @param headers the headers; looked up ignoring case (the map kept is case-insensitive)
 * @param body the raw body, exactly as received; empty if none. Copied in and out, so the request
 *     stays immutable.
 */
public record HttpRequest(String method, String target, String path, Map<String, String> headers, byte[] body) {

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(path, "path");
    headers = Headers.caseInsensitive(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  /** A request whose target is its path, as sent. */
  public HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {
    this(method, path, path, headers, body);
  }

  /**
   * What the request's Standard Webhooks signature covers (DESIGN section 6): the body of a
   * {@code POST}; {@code GET <target>} for a {@code GET}.
   */
  public byte[] signedPayload() {
    return method.equals("GET") ? ("GET " + target).getBytes(StandardCharsets.UTF_8) : body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length, without copying it. */
  public int bodyLength() {
    return body.length;
  }

  /** A header's value, its name matched ignoring case. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
