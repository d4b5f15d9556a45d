package dev.syncline.core.http;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider-neutral HTTP request, as a cloud's HTTP trigger hands it to {@link IngressHandler}.
 *
 * @param method the method in upper case, e.g. {@code POST}
 * @param path the path, e.g. {@code /records/user/42}; a query string is ignored
 * @param headers the headers; looked up ignoring case (the map kept is case-insensitive)
 * @param body the raw body, exactly as received; empty if none. Copied in and out, so the request
 *     stays immutable.
 */
public record HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {

  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = Headers.caseInsensitive(headers);
    body = body == null ? new byte[0] : body.clone();
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
