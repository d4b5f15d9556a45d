package dev.syncline.core.contract;

import dev.syncline.core.http.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bad {@code POST /events} requests of DESIGN section 6 that every cloud's ingress must refuse
 * with its 4xx and problem JSON, changing nothing. Each cloud's function test feeds {@link #all}
 * through its native request type.
 */
public final class HostileRequests {

  private HostileRequests() {}

  /** One bad request: its name, headers, body and the status it must get. */
  public record Case(String name, Map<String, String> headers, byte[] body, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Every case, signed (where signed) with {@code secret} at {@code nowMillis}. */
  public static List<Case> all(String secret, long nowMillis) {
    long ts = nowMillis / 1000;
    String wrongSecret = "whsec_" + Base64.getEncoder().encodeToString("ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8));
    byte[] truncated = "{\"specversion\":\"1.0\"".getBytes(StandardCharsets.UTF_8);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] big = new byte[300 * 1024];
    byte[] ops = "{\"ops\":[{\"op\":\"incr\",\"field\":\"balance\",\"by\":100}]}".getBytes(StandardCharsets.UTF_8);
    return List.of(
        new Case("malformed", with("application/cloudevents+json", signed(secret, ts, truncated)), truncated, 400),
        new Case("unsigned", with("application/cloudevents+json", Map.of()), empty, 401),
        new Case("wrongly signed", with("application/cloudevents+json", signed(wrongSecret, ts, empty)), empty, 401),
        new Case("replayed", with("application/cloudevents+json", signed(secret, ts - 600, empty)), empty, 401),
        new Case("wrong content type", with("text/plain", signed(secret, ts, text)), text, 415),
        new Case("oversized", with("application/cloudevents+json", signed(secret, ts, big)), big, 413),
        new Case("binary mode, signed", binary(signed(secret, ts, ops)), ops, 415));
  }

  private static Map<String, String> signed(String secret, long ts, byte[] body) {
    return Map.of("webhook-id", "req-1", "webhook-timestamp", Long.toString(ts),
        "webhook-signature", WebhookSignature.sign(secret, "req-1", ts, body));
  }

  /** A binary-mode intent: its attributes in ce- headers, which the signature would not cover. */
  private static Map<String, String> binary(Map<String, String> signature) {
    Map<String, String> headers = with("application/json", signature);
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", "req-1");
    headers.put("ce-source", "/apps/replayed-with-another-source");
    headers.put("ce-type", "dev.syncline.record.write.v1");
    headers.put("ce-subject", "account/a1");
    return headers;
  }

  private static Map<String, String> with(String contentType, Map<String, String> signature) {
    Map<String, String> headers = new HashMap<>(signature);
    headers.put("content-type", contentType);
    return headers;
  }
}
