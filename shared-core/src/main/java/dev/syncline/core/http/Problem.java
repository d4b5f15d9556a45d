package dev.syncline.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.json.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An RFC 9457 problem detail, the body of every Syncline error answer ({@code
 * application/problem+json}): {@code {"type","title","status","detail"}}.
 *
 * @param type a URI naming the kind of problem, {@code urn:syncline:problem:<slug>}
 * @param title a short, fixed summary of the kind of problem
 * @param status the HTTP status
 * @param detail what went wrong with this request, or null; never a payload or a secret, and cut
 *     to {@value #MAX_DETAIL} characters
 */
public record Problem(URI type, String title, int status, String detail) {

  public static final String CONTENT_TYPE = "application/problem+json";
  public static final String TYPE_PREFIX = "urn:syncline:problem:";
  public static final int MAX_DETAIL = 300;

  public Problem {
    if (type == null || title == null || status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem needs a type, a title and a 4xx or 5xx status");
    }
    if (detail != null && detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
  }

  /** A problem of type {@code urn:syncline:problem:<slug>}. */
  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(URI.create(TYPE_PREFIX + slug), title, status, detail);
  }

  /** The JSON body; {@code detail} is left out when null. */
  public byte[] toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("type", type.toString());
    json.put("title", title);
    json.put("status", status);
    if (detail != null) {
      json.put("detail", detail);
    }
    return Json.write(json);
  }

  /** The response carrying this problem. */
  public HttpResponse toResponse() {
    return toResponse(Map.of());
  }

  /** The response carrying this problem, plus {@code headers} such as {@code Retry-After}. */
  public HttpResponse toResponse(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", CONTENT_TYPE);
    return new HttpResponse(status, all, toJson());
  }

  /** The {@code title} of a problem body, if the body is a JSON object with a string title. */
  public static Optional<String> titleOf(byte[] body) {
    try {
      JsonNode title = Json.parse(body, "problem").get("title");
      return title != null && title.isTextual() ? Optional.of(title.asText()) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
