package dev.syncline.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A provider-neutral HTTP response, which a cloud's HTTP trigger copies to its native response.
 *
 * @param status the status code
 * @param headers the headers to send; looked up ignoring case
 * @param body the body; empty if none. Copied in and out, so the response stays immutable.
 */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

  public HttpResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100..599");
    }
    headers = Headers.caseInsensitive(headers);
    body = body == null ? new byte[0] : body.clone();
  }

  /** A response with an {@code application/json} body. */
  public static HttpResponse json(int status, byte[] json) {
    return new HttpResponse(status, Map.of("Content-Type", "application/json"), json);
  }

  /** A response with an {@code application/json} body given as text. */
  public static HttpResponse json(int status, String json) {
    return json(status, json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** A header's value, its name matched ignoring case. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
