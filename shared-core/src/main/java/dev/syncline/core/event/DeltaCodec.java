package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.AwSet;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.Counter;
import dev.syncline.core.crdt.Dot;
import dev.syncline.core.crdt.FieldKey;
import dev.syncline.core.crdt.FieldState;
import dev.syncline.core.crdt.FieldType;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Register;
import dev.syncline.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The versioned JSON form of a {@link RecordState} (a delta or a whole state), documented in
 * {@code shared-core/docs/delta-format.md} and described by the JSON Schema {@code
 * /schemas/syncline-delta-v2.json}. Encoding is deterministic: equal states give equal bytes.
 * Format 2 writes the causal context as ranges per replica; format 1 (a version vector plus a
 * dot cloud) is still read.
 *
 * <pre>{@code
 * {"format":"syncline-delta/2",
 *  "context":{"aws-us-east-1":[[1,3]],"gcp-us-east4":[[5,5]]},
 *  "fields":[
 *   {"name":"email","type":"register","siblings":[{"dot":["aws-us-east-1",3],"hlc":[1764158400125,0],"value":"a@b"}]},
 *   {"name":"logins","type":"counter","contributions":[{"replica":"aws-us-east-1","counter":2,"sum":5,"hlc":[1764158400000,1]}],"resets":[]},
 *   {"name":"tags","type":"set","elements":[{"value":"x","dots":[{"dot":["aws-us-east-1",1],"hlc":[1764158399000,0]}]}]}],
 *  "intents":[["Y2hhbmdlLTEtaW50ZW50LWs",1764158400125]]}
 * }</pre>
 *
 * <p>{@code intents} appears only in a replicated change: the dedupe keys of the intents the
 * origin applied in it, with when, so a peer recognizes a retry of one of them (DESIGN section 5.4).
 *
 * <p>Every number is bounded on the way in: dot counters by {@link Dot#MAX_COUNTER}, stamps by
 * {@link Hlc#MAX_WALL}, counter sums by {@value Counter#SUM_BITS} bits, and every dot a field
 * holds must be in the context.
 */
public final class DeltaCodec {

  /** The format identifier written; also the change event's {@code dataschema}. */
  public static final String FORMAT = "syncline-delta/2";

  /** The earlier format, still read. */
  public static final String FORMAT_V1 = "syncline-delta/1";

  /** At most this many intent keys in one change. */
  public static final int MAX_INTENTS = 1024;

  private static final Pattern INTENT_KEY = Pattern.compile("[A-Za-z0-9_-]{22}");

  private DeltaCodec() {}

  /** A decoded change's data: the delta and the intents it carries. */
  public record Change(RecordState delta, SortedMap<String, Long> intents) {
    public Change {
      intents = Collections.unmodifiableSortedMap(new TreeMap<>(intents));
    }
  }

  public static byte[] encode(RecordState state) {
    return encode(state, Collections.emptySortedMap());
  }

  /** A change's data: the delta and, if any, the intent keys it applied. */
  public static byte[] encode(RecordState state, SortedMap<String, Long> intents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      write(g, state, intents);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the state as one JSON object on {@code g}. */
  static void write(JsonGenerator g, RecordState state) throws IOException {
    write(g, state, Collections.emptySortedMap());
  }

  private static void write(JsonGenerator g, RecordState state, SortedMap<String, Long> intents) throws IOException {
    g.writeStartObject();
    g.writeStringField("format", FORMAT);
    g.writeFieldName("context");
    writeContext(g, state.context());
    g.writeArrayFieldStart("fields");
    for (Map.Entry<FieldKey, FieldState> e : state.fields().entrySet()) {
      g.writeStartObject();
      g.writeStringField("name", e.getKey().name());
      g.writeStringField("type", e.getKey().type().wireName());
      FieldState f = e.getValue();
      if (f instanceof Register r) {
        g.writeArrayFieldStart("siblings");
        for (Map.Entry<Dot, Register.Sibling> s : r.siblings().entrySet()) {
          g.writeStartObject();
          g.writeFieldName("dot");
          writeDot(g, s.getKey());
          g.writeFieldName("hlc");
          writeHlc(g, s.getValue().hlc());
          g.writeFieldName("value");
          g.writeRawValue(s.getValue().value().json());
          g.writeEndObject();
        }
        g.writeEndArray();
      } else if (f instanceof Counter c) {
        writeContributions(g, "contributions", c.contributions());
        writeContributions(g, "resets", c.resets());
      } else {
        g.writeArrayFieldStart("elements");
        for (Map.Entry<JsonValue, SortedMap<Dot, Hlc>> el : ((AwSet) f).elements().entrySet()) {
          g.writeStartObject();
          g.writeFieldName("value");
          g.writeRawValue(el.getKey().json());
          g.writeArrayFieldStart("dots");
          for (Map.Entry<Dot, Hlc> d : el.getValue().entrySet()) {
            g.writeStartObject();
            g.writeFieldName("dot");
            writeDot(g, d.getKey());
            g.writeFieldName("hlc");
            writeHlc(g, d.getValue());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    if (!intents.isEmpty()) {
      g.writeArrayFieldStart("intents");
      for (Map.Entry<String, Long> e : intents.entrySet()) {
        g.writeStartArray();
        g.writeString(e.getKey());
        g.writeNumber(e.getValue());
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** {@code {"<replica>":[[lo,hi],...],...}}, replicas and ranges in order. */
  static void writeContext(JsonGenerator g, CausalContext context) throws IOException {
    g.writeStartObject();
    String[] open = {null};
    context.forEachRange((replica, lo, hi) -> {
      try {
        if (!replica.equals(open[0])) {
          if (open[0] != null) {
            g.writeEndArray();
          }
          g.writeArrayFieldStart(replica);
          open[0] = replica;
        }
        g.writeStartArray();
        g.writeNumber(lo);
        g.writeNumber(hi);
        g.writeEndArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (open[0] != null) {
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeContributions(
      JsonGenerator g, String name, SortedMap<String, Counter.Contribution> entries)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Map.Entry<String, Counter.Contribution> e : entries.entrySet()) {
      g.writeStartObject();
      g.writeStringField("replica", e.getKey());
      g.writeNumberField("counter", e.getValue().counter());
      g.writeFieldName("sum");
      g.writeNumber(e.getValue().sum());
      g.writeFieldName("hlc");
      writeHlc(g, e.getValue().hlc());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeDot(JsonGenerator g, Dot dot) throws IOException {
    g.writeStartArray();
    g.writeString(dot.replica());
    g.writeNumber(dot.counter());
    g.writeEndArray();
  }

  private static void writeHlc(JsonGenerator g, Hlc hlc) throws IOException {
    g.writeStartArray();
    g.writeNumber(hlc.wall());
    g.writeNumber(hlc.logical());
    g.writeEndArray();
  }

  /**
   * Decodes and validates a state or delta (format 2 or 1).
   *
   * @throws SynclineException MALFORMED naming the first thing that does not fit the format
   */
  public static RecordState decode(byte[] json) {
    return read(Json.parse(json, "delta"));
  }

  /** Decodes a change's data: the delta and the intent keys it carries. */
  public static Change decodeChange(byte[] json) {
    return readChange(Json.parse(json, "delta"));
  }

  /** Reads a change's data from a tree parsed with {@link Json} (exact decimals). */
  static Change readChange(JsonNode root) {
    RecordState delta = read(root);
    try {
      return new Change(delta, readIntents(root.get("intents")));
    } catch (IllegalArgumentException e) {
      throw SynclineException.malformed("delta does not fit " + FORMAT + ": " + e.getMessage());
    }
  }

  /** Reads a delta from a parsed tree. */
  static RecordState read(JsonNode root) {
    try {
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("format must be " + FORMAT);
      }
      String format = root.path("format").asText("");
      CausalContext context;
      if (format.equals(FORMAT)) {
        context = readContextRanges(object(root, "context"));
      } else if (format.equals(FORMAT_V1)) {
        context = readContextV1(object(root, "context"));
      } else if (isNewer(format)) {
        throw SynclineException.ahead(
            "the delta is written in " + format + "; this replica reads " + FORMAT_V1 + " and " + FORMAT);
      } else {
        throw new IllegalArgumentException("format must be " + FORMAT);
      }
      TreeMap<FieldKey, FieldState> fields = new TreeMap<>();
      for (JsonNode f : array(root, "fields")) {
        FieldKey key = new FieldKey(text(f, "name"), FieldType.fromWireName(text(f, "type")));
        FieldState state =
            switch (key.type()) {
              case REGISTER -> readRegister(f);
              case COUNTER -> new Counter(readContributions(f, "contributions"), readContributions(f, "resets"));
              case SET -> readSet(f);
            };
        if (fields.put(key, state) != null) {
          throw new IllegalArgumentException("field " + key.name() + " appears twice");
        }
      }
      return new RecordState(context, fields).requireWellFormed();
    } catch (IllegalArgumentException | ClassCastException e) {
      throw SynclineException.malformed("delta does not fit " + FORMAT + ": " + e.getMessage());
    }
  }

  /** True for {@code syncline-delta/N} with N above this version's: a newer replica wrote it. */
  private static boolean isNewer(String format) {
    String prefix = "syncline-delta/";
    String version = format.startsWith(prefix) ? format.substring(prefix.length()) : "";
    return version.matches("[1-9][0-9]{0,8}") && Integer.parseInt(version) > 2;
  }

  /**
   * Reads a format-2 context object.
   *
   * @throws SynclineException MALFORMED if it does not fit
   */
  static CausalContext readContext(JsonNode node) {
    try {
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("a context must be an object");
      }
      return readContextRanges(node);
    } catch (IllegalArgumentException e) {
      throw SynclineException.malformed("context does not fit " + FORMAT + ": " + e.getMessage());
    }
  }

  private static CausalContext readContextRanges(JsonNode node) {
    CausalContext.Builder b = CausalContext.builder();
    node.fields().forEachRemaining(e -> {
      if (!e.getValue().isArray()) {
        throw new IllegalArgumentException("context." + e.getKey() + " must be an array of [lo, hi]");
      }
      for (JsonNode range : e.getValue()) {
        if (!range.isArray() || range.size() != 2) {
          throw new IllegalArgumentException("a context range is [lo, hi]");
        }
        b.add(e.getKey(), integer(range.get(0)), integer(range.get(1)));
      }
    });
    return b.build();
  }

  /** Format 1: {@code {"vector":{"r":n},"cloud":[["r",c]]}}. */
  private static CausalContext readContextV1(JsonNode node) {
    CausalContext.Builder b = CausalContext.builder();
    object(node, "vector").fields().forEachRemaining(e -> b.add(e.getKey(), 1, integer(e.getValue())));
    for (JsonNode d : array(node, "cloud")) {
      Dot dot = dot(d);
      b.add(dot.replica(), dot.counter(), dot.counter());
    }
    return b.build();
  }

  private static SortedMap<String, Long> readIntents(JsonNode node) {
    TreeMap<String, Long> out = new TreeMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isArray() || node.size() > MAX_INTENTS) {
      throw new IllegalArgumentException("intents must be an array of at most " + MAX_INTENTS + " [key, appliedAtMillis]");
    }
    for (JsonNode i : node) {
      if (!i.isArray() || i.size() != 2 || !i.get(0).isTextual() || !INTENT_KEY.matcher(i.get(0).asText()).matches()) {
        throw new IllegalArgumentException("an intent is [22-character dedupe key, appliedAtMillis]");
      }
      long at = integer(i.get(1));
      if (at < 0 || at > Hlc.MAX_WALL) {
        throw new IllegalArgumentException("an intent's appliedAtMillis is out of range");
      }
      out.put(i.get(0).asText(), at);
    }
    return out;
  }

  private static Register readRegister(JsonNode f) {
    TreeMap<Dot, Register.Sibling> siblings = new TreeMap<>();
    for (JsonNode s : array(f, "siblings")) {
      JsonNode value = s.get("value");
      if (value == null) {
        throw new IllegalArgumentException("sibling without value");
      }
      if (siblings.put(dot(s.get("dot")), new Register.Sibling(JsonValue.of(value), hlc(s.get("hlc")))) != null) {
        throw new IllegalArgumentException("a register holds one dot twice");
      }
    }
    return new Register(siblings);
  }

  private static SortedMap<String, Counter.Contribution> readContributions(JsonNode f, String name) {
    TreeMap<String, Counter.Contribution> out = new TreeMap<>();
    for (JsonNode c : array(f, name)) {
      String replica = Dot.requireReplicaId(text(c, "replica"));
      JsonNode sum = c.get("sum");
      if (sum == null || !sum.isIntegralNumber()) {
        throw new IllegalArgumentException("a counter's sum must be an integer");
      }
      BigInteger exact = sum.bigIntegerValue();
      if (out.put(replica, new Counter.Contribution(integer(c.get("counter")), exact, hlc(c.get("hlc")))) != null) {
        throw new IllegalArgumentException("a counter lists replica " + replica + " twice");
      }
    }
    return out;
  }

  private static AwSet readSet(JsonNode f) {
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> elements = new TreeMap<>();
    for (JsonNode el : array(f, "elements")) {
      JsonNode value = el.get("value");
      if (value == null || !value.isValueNode() || value.isNull()) {
        throw new IllegalArgumentException("set elements must be JSON scalars");
      }
      TreeMap<Dot, Hlc> dots = new TreeMap<>();
      for (JsonNode d : array(el, "dots")) {
        dots.put(dot(d.get("dot")), hlc(d.get("hlc")));
      }
      if (elements.put(JsonValue.of(value), dots) != null) {
        throw new IllegalArgumentException("a set lists one element twice");
      }
    }
    return new AwSet(elements);
  }

  private static Dot dot(JsonNode node) {
    if (node == null || !node.isArray() || node.size() != 2 || !node.get(0).isTextual()) {
      throw new IllegalArgumentException("a dot is [replica, counter]");
    }
    return new Dot(node.get(0).asText(), integer(node.get(1)));
  }

  private static Hlc hlc(JsonNode node) {
    if (node == null || !node.isArray() || node.size() != 2) {
      throw new IllegalArgumentException("an hlc is [wallMillis, logical]");
    }
    long logical = integer(node.get(1));
    if (logical > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("hlc logical part is too large");
    }
    return new Hlc(integer(node.get(0)), (int) logical);
  }

  private static long integer(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException("expected a 64-bit integer");
    }
    return node.longValue();
  }

  private static String text(JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || !v.isObject()) {
      throw new IllegalArgumentException(name + " must be an object");
    }
    return v;
  }

  private static JsonNode array(JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException(name + " must be an array");
    }
    return v;
  }
}
