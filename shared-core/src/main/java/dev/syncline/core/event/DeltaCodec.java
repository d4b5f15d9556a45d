package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.SynclineException;
import dev.syncline.core.json.Json;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The versioned JSON form of a {@link RecordState} (a delta or a whole state), documented in
 * {@code shared-core/docs/delta-format.md} and described by the JSON Schema {@code
 * /schemas/syncline-delta-v1.json}. Encoding is deterministic: equal states give equal bytes.
 *
 * <pre>{@code
 * {"format":"syncline-delta/1",
 *  "context":{"vector":{"aws-us-east-1":3},"cloud":[["gcp-us-east4",5]]},
 *  "fields":[
 *   {"name":"email","type":"register","siblings":[{"dot":["aws-us-east-1",3],"hlc":[1764158400125,0],"value":"a@b"}]},
 *   {"name":"logins","type":"counter","contributions":[{"replica":"aws-us-east-1","counter":2,"sum":5,"hlc":[1764158400000,1]}],"resets":[]},
 *   {"name":"tags","type":"set","elements":[{"value":"x","dots":[{"dot":["aws-us-east-1",1],"hlc":[1764158399000,0]}]}]}]}
 * }</pre>
 */
public final class DeltaCodec {

  /** The format identifier; also the change event's {@code dataschema}. */
  public static final String FORMAT = "syncline-delta/1";

  private DeltaCodec() {}

  public static byte[] encode(RecordState state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      write(g, state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the state as one JSON object on {@code g}. */
  static void write(JsonGenerator g, RecordState state) throws IOException {
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
    g.writeEndObject();
  }

  private static void writeContext(JsonGenerator g, CausalContext context) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("vector");
    for (Map.Entry<String, Long> e : context.vector().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("cloud");
    for (Dot d : context.cloud()) {
      writeDot(g, d);
    }
    g.writeEndArray();
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
      g.writeNumberField("sum", e.getValue().sum());
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
   * Decodes and validates a delta.
   *
   * @throws SynclineException MALFORMED naming the first thing that does not fit the format
   */
  public static RecordState decode(byte[] json) {
    return read(Json.parse(json, "delta"));
  }

  /** Reads a delta from a parsed tree. */
  static RecordState read(JsonNode root) {
    try {
      if (!root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
        throw new IllegalArgumentException("format must be " + FORMAT);
      }
      CausalContext context = readContext(object(root, "context"));
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
      return new RecordState(context, fields);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw SynclineException.malformed("delta does not fit " + FORMAT + ": " + e.getMessage());
    }
  }

  private static CausalContext readContext(JsonNode node) {
    TreeMap<String, Long> vector = new TreeMap<>();
    object(node, "vector").fields().forEachRemaining(e -> vector.put(e.getKey(), integer(e.getValue())));
    List<Dot> cloud = new ArrayList<>();
    for (JsonNode d : array(node, "cloud")) {
      cloud.add(dot(d));
    }
    return CausalContext.of(vector, cloud);
  }

  private static Register readRegister(JsonNode f) {
    TreeMap<Dot, Register.Sibling> siblings = new TreeMap<>();
    for (JsonNode s : array(f, "siblings")) {
      JsonNode value = s.get("value");
      if (value == null) {
        throw new IllegalArgumentException("sibling without value");
      }
      siblings.put(dot(s.get("dot")), new Register.Sibling(JsonValue.of(value), hlc(s.get("hlc"))));
    }
    return new Register(siblings);
  }

  private static SortedMap<String, Counter.Contribution> readContributions(JsonNode f, String name) {
    TreeMap<String, Counter.Contribution> out = new TreeMap<>();
    for (JsonNode c : array(f, name)) {
      String replica = Dot.requireReplicaId(text(c, "replica"));
      long counter = integer(c.get("counter"));
      if (counter < 1) {
        throw new IllegalArgumentException("counter must be positive");
      }
      out.put(replica, new Counter.Contribution(counter, integer(c.get("sum")), hlc(c.get("hlc"))));
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
      elements.put(JsonValue.of(value), dots);
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
