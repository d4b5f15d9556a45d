package dev.syncline.core.event;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Op;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated write intent: the {@code dev.syncline.record.write.v1} CloudEvent of DESIGN
 * section 4. Its effect happens once per ({@code source}, {@code id}).
 *
 * @param traceparent the W3C trace context the intent arrived with, or null; carried onto the
 *     replicated change. Anything but a version-00 {@code traceparent} (55 characters) is dropped
 *     here, so that a bad or oversized header cannot grow the outbox or the change past its limit;
 *     the change then starts a trace of its own.
 */
public record WriteIntent(String source, String id, RecordKey key, List<Op> ops, String traceparent) {

  public WriteIntent(String source, String id, RecordKey key, List<Op> ops) {
    this(source, id, key, ops, null);
  }

  public static final String TYPE = "dev.syncline.record.write.v1";

  /** W3C Trace Context, version 00: version, trace id, parent id, flags; ids not all zero. */
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  public WriteIntent {
    if (source == null || source.isEmpty() || id == null || id.isEmpty()) {
      throw new IllegalArgumentException("intent needs a source and an id");
    }
    ops = List.copyOf(ops);
    if (traceparent != null && !TRACEPARENT.matcher(traceparent).matches()) {
      traceparent = null;
    }
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("intent needs at least one op");
    }
  }

  /**
   * The dedupe key: a digest of source and id, so that keys are short and uniform in every
   * store (22 characters, URL-safe base64 of the first 128 bits of SHA-256).
   */
  public String dedupeKey() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(id.getBytes(StandardCharsets.UTF_8));
      byte[] digest = sha.digest();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
