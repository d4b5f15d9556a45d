package dev.syncline.core.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hostile and realistic JSON values for the simulator, as plain Java values (String, BigDecimal,
 * BigInteger, Boolean, {@link #NULL}, List, Map) so that what a view shows can be checked against
 * what was written without trusting the code under test: numbers are compared as the JDK's
 * {@link BigDecimal}s, strings character for character.
 */
final class SimValues {

  /** JSON null. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** A string with an unpaired surrogate: it has no UTF-8 form, so every replica must refuse it. */
  static final class LoneSurrogate {
    @Override
    public String toString() {
      return "\"\\ud800\"";
    }
  }

  private static final int[][] CODE_POINTS = {
      {0x20, 0x7e},        // ASCII, quotes and backslashes included
      {0x00, 0x1f},        // control characters, NUL included
      {0xe0, 0xff},        // Latin-1
      {0x300, 0x36f},      // combining marks
      {0x5d0, 0x5ea},      // Hebrew, right to left
      {0x2028, 0x2029},    // line and paragraph separators
      {0x4e00, 0x4fff},    // CJK
      {0xfeff, 0xfeff},    // byte order mark
      {0x1f300, 0x1f64f},  // emoji, outside the BMP
  };

  private final SplittableRandom random;

  SimValues(SplittableRandom random) {
    this.random = random;
  }

  /** A register value: anything JSON, mostly small, sometimes deep or long. */
  Object any() {
    return switch (random.nextInt(40) == 0 ? 12 + random.nextInt(2) : random.nextInt(12)) {
      case 0, 1 -> decimal();
      case 2 -> bigInteger();
      case 3 -> edgeNumber();
      case 4, 5, 6 -> string(random.nextInt(40));
      case 7 -> random.nextBoolean();
      case 8 -> NULL;
      case 9 -> object(1 + random.nextInt(4));
      case 10 -> array(1 + random.nextInt(3));
      case 11 -> BigInteger.valueOf(random.nextInt(100));
      case 12 -> string(500 + random.nextInt(4_000));
      case 13 -> deep(JsonValue.MAX_DEPTH + 1 - random.nextInt(3));
      default -> BigInteger.valueOf(random.nextInt(100));
    };
  }

  /** A set element: a JSON scalar. */
  Object scalar() {
    return switch (random.nextInt(5)) {
      case 0 -> decimal();
      case 1 -> bigInteger();
      case 2 -> random.nextBoolean();
      default -> string(1 + random.nextInt(12));
    };
  }

  /** An exact decimal that a double cannot hold: many digits, any scale, exponents too. */
  BigDecimal decimal() {
    return switch (random.nextInt(5)) {
      case 0 -> new BigDecimal("19.990000000000000000001");
      case 1 -> new BigDecimal("0.1").add(new BigDecimal(BigInteger.ONE, 28));
      default -> new BigDecimal(new BigInteger(1 + random.nextInt(100), new java.util.Random(random.nextLong()))
          .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)), random.nextInt(-8, 30));
    };
  }

  BigInteger bigInteger() {
    return new BigInteger(64 + random.nextInt(64), new java.util.Random(random.nextLong()))
        .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1));
  }

  Object edgeNumber() {
    long[] edges = {Long.MAX_VALUE, Long.MIN_VALUE, 0, -1, 1L << 53, (1L << 53) + 1};
    return BigInteger.valueOf(edges[random.nextInt(edges.length)]);
  }

  String string(int length) {
    StringBuilder s = new StringBuilder(length);
    while (s.length() < length) {
      int[] range = CODE_POINTS[random.nextInt(CODE_POINTS.length)];
      s.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
    }
    return s.toString();
  }

  /** A string of exactly {@code bytes} UTF-8 bytes when encoded (plain ASCII, so no escapes). */
  String ofBytes(int bytes) {
    return "v".repeat(bytes);
  }

  /** Arrays and objects nested exactly {@code depth} deep: past {@link JsonValue#MAX_DEPTH} it is refused. */
  private Object deep(int depth) {
    Object v = decimal();
    for (int i = 0; i < depth; i++) {
      v = random.nextBoolean() ? List.of(v) : Map.of(string(1 + random.nextInt(3)), v);
    }
    return v;
  }

  /** How deeply arrays and objects nest in a value written by this class. */
  static int depth(Object value) {
    if (value instanceof List<?> list) {
      return 1 + list.stream().mapToInt(SimValues::depth).max().orElse(0);
    }
    if (value instanceof Map<?, ?> map) {
      return 1 + map.values().stream().mapToInt(SimValues::depth).max().orElse(0);
    }
    return 0;
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> out = new LinkedHashMap<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      out.put(string(1 + random.nextInt(6)) + i, depth > 1 && random.nextBoolean() ? object(depth - 1) : scalarOrNull());
    }
    return out;
  }

  private List<Object> array(int depth) {
    List<Object> out = new ArrayList<>();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      out.add(depth > 1 && random.nextBoolean() ? array(depth - 1) : scalarOrNull());
    }
    return out;
  }

  private Object scalarOrNull() {
    return random.nextInt(6) == 0 ? NULL : scalar();
  }

  // ---- rendering and comparison ------------------------------------------------------------

  /** Writes a value with Jackson's generator (numbers exactly as the BigDecimal holds them). */
  static void write(JsonGenerator g, Object v) throws IOException {
    if (v == NULL) {
      g.writeNull();
    } else if (v instanceof LoneSurrogate) {
      g.writeRawValue(v.toString());
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        write(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeFieldName((String) e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    }
  }

  static String json(Object v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.generator(out)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * True if a shown value is the written one: numbers equal as JDK BigDecimals, in value and
   * scale (so a decimal rounded through a double, or one whose trailing zeros were cut, is caught), strings equal character for character, objects equal
   * key by key whatever the order.
   */
  static boolean same(JsonNode shown, Object written) {
    if (written == NULL) {
      return shown.isNull();
    }
    if (written instanceof String s) {
      return shown.isTextual() && shown.textValue().equals(s);
    }
    if (written instanceof BigDecimal || written instanceof BigInteger) {
      if (!shown.isNumber()) {
        return false;
      }
      BigDecimal expected = written instanceof BigDecimal d ? d : new BigDecimal((BigInteger) written);
      return new BigDecimal(shown.asText()).equals(expected);
    }
    if (written instanceof Boolean b) {
      return shown.isBoolean() && shown.booleanValue() == b;
    }
    if (written instanceof List<?> list) {
      if (!shown.isArray() || shown.size() != list.size()) {
        return false;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!same(shown.get(i), list.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (written instanceof Map<?, ?> map) {
      if (!shown.isObject() || shown.size() != map.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = shown.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!map.containsKey(e.getKey()) || !same(e.getValue(), map.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
