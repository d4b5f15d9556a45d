package dev.syncline.e2e.net;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * The faults on one directed link between two clouds, as the fault-control API sets them
 * (DESIGN §8). Each request crossing the link draws its faults independently:
 *
 * @param down the link is partitioned: no request gets through and no response comes back
 * @param drop probability that the request or its response is lost
 * @param duplicate probability that the request is delivered twice
 * @param reorder probability that the request is held back until the next one has been delivered
 * @param error5xx probability that the request is answered 503 without being delivered
 * @param delayMinMs least delay before delivery, in milliseconds
 * @param delayMaxMs greatest delay before delivery; each request waits a uniform random delay in
 *     {@code [delayMinMs, delayMaxMs]}
 * @param refuseChanges every replicated change ({@code POST /events}) is answered 400, as a peer
 *     that refuses it as invalid would, and not delivered; other requests (reads, anti-entropy
 *     digests and state pulls) pass. A sender dead-letters a change a peer refuses with 400, so
 *     this is how the sandbox puts a change into the dead letters
 */
public record LinkFaults(boolean down, double drop, double duplicate, double reorder, double error5xx, long delayMinMs, long delayMaxMs,
    boolean refuseChanges) {

  /** A healthy link. */
  public static final LinkFaults NONE = new LinkFaults(false, 0, 0, 0, 0, 0, 0, false);

  /** Longest delay accepted: longer than any client's timeout, so anything more is a partition. */
  public static final long MAX_DELAY_MS = 60_000;

  private static final Set<String> FIELDS = Set.of("down", "drop", "duplicate", "reorder", "error5xx", "delayMs", "refuseChanges");

  private static final ObjectReader READER = Http.JSON.reader()
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** @throws IllegalArgumentException if a probability is outside [0, 1] or the delays are negative, reversed or too long */
  public LinkFaults {
    probability("drop", drop);
    probability("duplicate", duplicate);
    probability("reorder", reorder);
    probability("error5xx", error5xx);
    if (delayMinMs < 0 || delayMaxMs < 0) {
      throw new IllegalArgumentException("\"delayMs\" must not be negative, got [" + delayMinMs + "," + delayMaxMs + "]");
    }
    if (delayMinMs > delayMaxMs) {
      throw new IllegalArgumentException("\"delayMs\" must be [min,max] with min <= max, got [" + delayMinMs + "," + delayMaxMs + "]");
    }
    if (delayMaxMs > MAX_DELAY_MS) {
      throw new IllegalArgumentException("\"delayMs\" must be at most " + MAX_DELAY_MS + " ms, got " + delayMaxMs + "; use {\"down\":true} for a partition");
    }
  }

  /** Faults that refuse no change. */
  public LinkFaults(boolean down, double drop, double duplicate, double reorder, double error5xx, long delayMinMs, long delayMaxMs) {
    this(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, false);
  }

  /** A partitioned link. */
  public static LinkFaults partitioned() {
    return NONE.withDown(true);
  }

  public LinkFaults withDown(boolean down) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  public LinkFaults withDrop(double drop) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  public LinkFaults withDuplicate(double duplicate) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  public LinkFaults withReorder(double reorder) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  public LinkFaults withError5xx(double error5xx) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  public LinkFaults withDelayMs(long min, long max) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, min, max, refuseChanges);
  }

  public LinkFaults withRefuseChanges(boolean refuseChanges) {
    return new LinkFaults(down, drop, duplicate, reorder, error5xx, delayMinMs, delayMaxMs, refuseChanges);
  }

  /** Whether this is a healthy link. */
  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * Parses the control API's body: a JSON object with any of {@code "down"} (boolean),
   * {@code "drop"}, {@code "duplicate"}, {@code "reorder"}, {@code "error5xx"} (numbers in [0, 1]),
   * {@code "delayMs"} ({@code [min,max]} whole milliseconds, or one number for a fixed delay) and
   * {@code "refuseChanges"} (boolean).
   * A field left out is no fault of that kind, so the body replaces the link's faults entirely and
   * {@code {}} heals it.
   *
   * @throws IllegalArgumentException naming the offending field, if the body is not such an object
   */
  public static LinkFaults parse(byte[] json) {
    JsonNode node;
    try {
      node = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    return fromJson(node);
  }

  /**
   * As {@link #parse(byte[])}, from a parsed tree.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public static LinkFaults fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("link faults must be a JSON object such as {\"down\":true} or {\"drop\":0.1,\"delayMs\":[0,200]}");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("unknown field \"" + name + "\"; known: down, drop, duplicate, reorder, delayMs, error5xx, refuseChanges");
      }
    }
    long[] delay = delay(node.get("delayMs"));
    return new LinkFaults(bool(node, "down"), number(node, "drop"), number(node, "duplicate"), number(node, "reorder"),
        number(node, "error5xx"), delay[0], delay[1], bool(node, "refuseChanges"));
  }

  /**
   * The JSON the control API answers with, every field present:
   * {@code {"down":false,"drop":0.1,"duplicate":0.0,"reorder":0.0,"delayMs":[0,200],"error5xx":0.0,"refuseChanges":false}}.
   * {@link #fromJson(JsonNode)} reads it back to an equal value.
   */
  public ObjectNode toJson() {
    ObjectNode o = Http.JSON.createObjectNode()
        .put("down", down)
        .put("drop", drop)
        .put("duplicate", duplicate)
        .put("reorder", reorder);
    o.putArray("delayMs").add(delayMinMs).add(delayMaxMs);
    return o.put("error5xx", error5xx).put("refuseChanges", refuseChanges);
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException("\"" + field + "\" must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  private static double number(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return 0;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a number in [0, 1], got " + v);
    }
    return v.doubleValue();
  }

  private static long[] delay(JsonNode v) {
    if (v == null) {
      return new long[] {0, 0};
    }
    if (v.isNumber()) {
      long ms = millis(v);
      return new long[] {ms, ms};
    }
    if (!v.isArray() || v.size() != 2) {
      throw new IllegalArgumentException("\"delayMs\" must be [min,max] in whole milliseconds, got " + v);
    }
    return new long[] {millis(v.get(0)), millis(v.get(1))};
  }

  private static long millis(JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("\"delayMs\" must hold whole milliseconds, got " + v);
    }
    return v.longValue();
  }

  private static void probability(String field, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("\"" + field + "\" must be a probability in [0, 1], got " + p);
    }
  }
}
