package dev.syncline.core.http;

import dev.syncline.core.clock.Clock;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks Standard Webhooks signatures ({@link WebhookSignature}) on incoming requests. Run it on
 * the raw body BEFORE parsing anything from it. Thread-safe.
 *
 * <p>Several secrets may be configured at once so that secrets can be rotated: a request passes
 * if any {@code v1} signature in {@value WebhookSignature#SIGNATURE_HEADER} matches any secret.
 * Signatures of other versions are ignored. Comparisons take constant time ({@link
 * MessageDigest#isEqual}), and a timestamp further than the tolerance from the clock (either
 * way) is refused, which bounds replays. Failures name the check that failed, never a secret or
 * the expected signature.
 */
public final class WebhookVerifier {

  /** The default allowed distance between a request's timestamp and the local clock. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");

  /** The checks a request must pass, in the order they run. */
  public enum Check {
    HEADERS("webhook-id, webhook-timestamp and webhook-signature headers are required"),
    TIMESTAMP_FORMAT("webhook-timestamp must be Unix seconds"),
    TIMESTAMP_WINDOW("webhook-timestamp is outside the allowed window"),
    SIGNATURE("no webhook-signature matches");

    private final String description;

    Check(String description) {
      this.description = description;
    }

    /** A short, secret-free sentence for logs and problem details. */
    public String description() {
      return description;
    }
  }

  /** The result of {@link #verify}. */
  public sealed interface Verification {

    /** The request is authentic; {@code id} is its {@value WebhookSignature#ID_HEADER}. */
    record Verified(String id, long timestampSeconds) implements Verification {}

    /** The request failed {@code check}; answer 401 and read nothing from it. */
    record Failed(Check check) implements Verification {}
  }

  private final List<byte[]> keys;
  private final Clock clock;
  private final long toleranceSeconds;

  /** A verifier with the {@link #DEFAULT_TOLERANCE default tolerance} of 5 minutes. */
  public WebhookVerifier(List<String> secrets, Clock clock) {
    this(secrets, clock, DEFAULT_TOLERANCE);
  }

  /**
   * @param secrets the accepted {@code whsec_} secrets, at least one
   * @param clock the wall clock the timestamp is checked against
   * @param tolerance how far a timestamp may be from the clock, in either direction
   * @throws IllegalArgumentException if there is no secret, one is malformed, or the tolerance is
   *     negative
   */
  public WebhookVerifier(List<String> secrets, Clock clock, Duration tolerance) {
    if (secrets == null || secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one webhook secret is required");
    }
    if (clock == null || tolerance == null || tolerance.isNegative()) {
      throw new IllegalArgumentException("a clock and a non-negative tolerance are required");
    }
    List<byte[]> decoded = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      decoded.add(WebhookSignature.key(secret));
    }
    this.keys = List.copyOf(decoded);
    this.clock = clock;
    this.toleranceSeconds = tolerance.toSeconds();
  }

  /**
   * Verifies a request's signature headers against its raw body.
   *
   * @param headers the request headers; names are matched ignoring case
   * @param body the raw body, exactly as received (empty for a GET)
   */
  public Verification verify(Map<String, String> headers, byte[] body) {
    Map<String, String> h = Headers.caseInsensitive(headers);
    String id = h.get(WebhookSignature.ID_HEADER);
    String timestamp = h.get(WebhookSignature.TIMESTAMP_HEADER);
    String signatures = h.get(WebhookSignature.SIGNATURE_HEADER);
    if (id == null || id.isBlank() || timestamp == null || signatures == null) {
      return new Verification.Failed(Check.HEADERS);
    }
    if (!TIMESTAMP.matcher(timestamp).matches()) {
      return new Verification.Failed(Check.TIMESTAMP_FORMAT);
    }
    long seconds = Long.parseLong(timestamp);
    long now = Math.floorDiv(clock.millis(), 1000L);
    if (Math.abs(now - seconds) > toleranceSeconds) {
      return new Verification.Failed(Check.TIMESTAMP_WINDOW);
    }
    byte[] content = body == null ? new byte[0] : body;
    List<byte[]> expected = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      expected.add(WebhookSignature.hmac(key, id, seconds, content));
    }
    for (String entry : signatures.split(" ")) {
      byte[] offered = v1Signature(entry);
      if (offered == null) {
        continue;
      }
      for (byte[] candidate : expected) {
        if (MessageDigest.isEqual(candidate, offered)) {
          return new Verification.Verified(id, seconds);
        }
      }
    }
    return new Verification.Failed(Check.SIGNATURE);
  }

  /** The decoded signature of a {@code v1,<base64>} entry, or null for any other entry. */
  private static byte[] v1Signature(String entry) {
    int comma = entry.indexOf(',');
    if (comma < 0 || !WebhookSignature.VERSION.equals(entry.substring(0, comma))) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(entry.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
