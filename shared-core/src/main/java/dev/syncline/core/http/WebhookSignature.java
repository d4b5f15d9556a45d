package dev.syncline.core.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), the scheme every Syncline
 * request is signed with (DESIGN section 6).
 *
 * <p>A secret is written {@code whsec_<base64 key>}; the signature of a message is {@code
 * v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}, sent in the {@value
 * #SIGNATURE_HEADER} header together with {@value #ID_HEADER} and {@value #TIMESTAMP_HEADER}
 * (Unix seconds). Receivers check it with {@link WebhookVerifier}.
 */
public final class WebhookSignature {

  public static final String ID_HEADER = "webhook-id";
  public static final String TIMESTAMP_HEADER = "webhook-timestamp";
  public static final String SIGNATURE_HEADER = "webhook-signature";

  /** The prefix of every secret. */
  public static final String SECRET_PREFIX = "whsec_";

  /** The version tag of HMAC-SHA256 signatures. */
  public static final String VERSION = "v1";

  /** Keys shorter than this are refused (the specification recommends 24 to 64 bytes). */
  public static final int MIN_KEY_BYTES = 16;

  private WebhookSignature() {}

  /**
   * Decodes a secret into its HMAC key.
   *
   * @throws IllegalArgumentException if it is not {@code whsec_} followed by standard base64 of
   *     at least {@value #MIN_KEY_BYTES} bytes; the message never contains the secret
   */
  public static byte[] key(String secret) {
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      throw new IllegalArgumentException("webhook secret must start with " + SECRET_PREFIX);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes the offending character: keep it, and the cause, out.
      throw new IllegalArgumentException("webhook secret must be " + SECRET_PREFIX + " followed by base64");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("webhook secret key must be at least " + MIN_KEY_BYTES + " bytes");
    }
    return key;
  }

  /**
   * Signs a message.
   *
   * @return {@code v1,<base64 signature>}, the value of {@value #SIGNATURE_HEADER}
   * @throws IllegalArgumentException if the secret is malformed (see {@link #key})
   */
  public static String sign(String secret, String msgId, long timestampSeconds, byte[] body) {
    return VERSION + "," + Base64.getEncoder().encodeToString(hmac(key(secret), msgId, timestampSeconds, body));
  }

  /** The raw HMAC-SHA256 of {@code id.timestamp.body}. */
  static byte[] hmac(byte[] key, String msgId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
    }
  }
}
