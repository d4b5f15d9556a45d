package dev.syncline.core.crdt;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON value in canonical text form (object keys sorted, no insignificant white space, decimals
 * read as exact {@code BigDecimal}s so that no number is rounded or turned into a non-JSON
 * infinity). The
 * origin replica canonicalizes a value once; every replica then stores and shows the same text,
 * which is what makes views byte-identical across clouds. Values order by their canonical text.
 */
public final class JsonValue implements Comparable<JsonValue> {

  /**
   * How deeply arrays and objects may nest in one value ({@code [[1]]} is 2). A value sits a few
   * levels further down in an intent, a stored record and a change than it does alone; this bound
   * keeps it inside the readers' {@value Json#MAX_DEPTH} levels on every one of those paths, so a
   * value the origin takes is never one a peer or a store must refuse.
   */
  public static final int MAX_DEPTH = 32;

  private final String json;
  private final boolean scalar;

  private JsonValue(String json, boolean scalar) {
    this.json = json;
    this.scalar = scalar;
  }

  /** Canonicalizes a parsed JSON value. */
  public static JsonValue of(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("missing JSON value");
    }
    requireWellFormedText(node, 0);
    if (node.isTextual()) {
      // The common case, without a serializer: a quoted, escaped string, copied in bulk.
      char[] escaped = JsonStringEncoder.getInstance().quoteAsString(node.textValue());
      return new JsonValue(new StringBuilder(escaped.length + 2).append('"').append(escaped).append('"').toString(), true);
    }
    if (Json.hasBinaryFloat(node)) {
      // A double may already have rounded a decimal; every reader of ours keeps them exact.
      throw new IllegalArgumentException("numbers must be read as exact decimals, not as double");
    }
    return new JsonValue(Json.writeString(sorted(node)), node.isValueNode());
  }

  public static JsonValue ofString(String s) {
    return of(JsonNodeFactory.instance.textNode(s));
  }

  public static JsonValue ofLong(long n) {
    return of(JsonNodeFactory.instance.numberNode(n));
  }

  /** The canonical JSON text. */
  public String json() {
    return json;
  }

  /** True for strings, numbers, booleans and null; false for objects and arrays. */
  public boolean isScalar() {
    return scalar;
  }

  public JsonNode toNode() {
    return Json.parse(json, "canonical JSON value");
  }

  /**
   * Rejects values nested deeper than {@link #MAX_DEPTH}, and strings and keys with unpaired UTF-16
   * surrogates: they have no UTF-8 encoding.
   */
  private static void requireWellFormedText(JsonNode node, int depth) {
    if (node.isTextual()) {
      requireWellFormed(node.textValue());
    } else if (node.isContainerNode()) {
      if (depth == MAX_DEPTH) {
        throw new IllegalArgumentException("values may nest at most " + MAX_DEPTH + " arrays or objects deep");
      }
      node.fields().forEachRemaining(e -> requireWellFormed(e.getKey()));
      node.forEach(child -> requireWellFormedText(child, depth + 1));
    }
  }

  private static void requireWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("strings must be valid Unicode (an unpaired surrogate was found)");
      }
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      node.fields().forEachRemaining(entries::add);
      entries.sort(Map.Entry.comparingByKey());
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> e : entries) {
        out.set(e.getKey(), sorted(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(child -> out.add(sorted(child)));
      return out;
    }
    return node;
  }

  @Override
  public int compareTo(JsonValue other) {
    return json.compareTo(other.json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonValue other && json.equals(other.json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json;
  }
}
