package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.json.Json;
import dev.syncline.core.port.AppliedIntents;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes for the parts of a {@link StoredRecord}, for adapters to put into native items: the state
 * (in the delta format), the outbox entries and the applied-intent list. Adapters may store the
 * three parts in separate attributes, columns or entities, as long as they write them atomically.
 * Every part is validated on the way in, as strictly as what arrives from a peer.
 */
public final class StoredRecordCodec {

  /** The member of the applied-intent object that holds the keys learned from peers. */
  static final String FROM_PEERS = "@peers";

  private StoredRecordCodec() {}

  public static byte[] encodeState(RecordState state) {
    return DeltaCodec.encode(state);
  }

  public static RecordState decodeState(byte[] bytes) {
    return DeltaCodec.decode(bytes);
  }

  /** One outbox entry as JSON. */
  public static byte[] encodeOutboxEntry(OutboxEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = Json.generator(out)) {
      writeOutboxEntry(g, entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeOutboxEntry(JsonGenerator g, OutboxEntry entry) throws IOException {
    g.writeStartObject();
    g.writeStringField("peer", entry.peer());
    g.writeStringField("changeId", entry.changeId());
    g.writeNumberField("firstPendingMillis", entry.firstPendingMillis());
    g.writeNumberField("attempts", entry.attempts());
    g.writeNumberField("nextAttemptMillis", entry.nextAttemptMillis());
    if (entry.traceparent() != null) {
      g.writeStringField("traceparent", entry.traceparent());
    }
    g.writeFieldName("pending");
    DeltaCodec.writeContext(g, entry.pending());
    g.writeArrayFieldStart("intents");
    for (Map.Entry<String, Long> e : entry.intents().entrySet()) {
      g.writeStartArray();
      g.writeString(e.getKey());
      g.writeNumber(e.getValue());
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  public static OutboxEntry decodeOutboxEntry(byte[] bytes) {
    return readOutboxEntry(Json.parse(bytes, "stored outbox entry"));
  }

  /**
   * Reads an entry; one written before format 2 of the delta (holding the joined {@code delta}
   * itself) owes the dots of that delta's context, and its intents are unknown.
   */
  private static OutboxEntry readOutboxEntry(JsonNode n) {
    try {
      JsonNode trace = n.get("traceparent");
      CausalContext pending;
      TreeMap<String, Long> intents = new TreeMap<>();
      if (n.has("pending")) {
        pending = DeltaCodec.readContext(n.get("pending")).hull();
        for (JsonNode i : n.get("intents")) {
          intents.put(i.get(0).asText(), time(i.get(1)));
        }
      } else {
        pending = DeltaCodec.read(n.get("delta")).context().hull();
      }
      int attempts = n.get("attempts").asInt();
      if (attempts < 0 || n.get("peer").asText().isEmpty() || n.get("changeId").asText().isEmpty()) {
        throw SynclineException.malformed("stored outbox entry is invalid");
      }
      return new OutboxEntry(
          n.get("peer").asText(),
          pending,
          intents,
          n.get("changeId").asText(),
          time(n.get("firstPendingMillis")),
          attempts,
          time(n.get("nextAttemptMillis")),
          trace == null ? null : trace.asText());
    } catch (NullPointerException e) {
      throw SynclineException.malformed("stored outbox entry is incomplete");
    }
  }

  private static long time(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()
        || node.longValue() < 0 || node.longValue() > Hlc.MAX_WALL) {
      throw SynclineException.malformed("a stored time is not a Unix time in milliseconds");
    }
    return node.longValue();
  }

  /** A record's outbox entries as one JSON array. */
  public static byte[] encodeOutbox(Collection<OutboxEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartArray();
      for (OutboxEntry entry : entries) {
        writeOutboxEntry(g, entry);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static List<OutboxEntry> decodeOutbox(byte[] bytes) {
    List<OutboxEntry> out = new ArrayList<>();
    for (JsonNode n : Json.parse(bytes, "stored outbox")) {
      out.add(readOutboxEntry(n));
    }
    return out;
  }

  /**
   * The applied-intent list as JSON: {@code {"<dedupe key>": appliedAtMillis, ..., "@peers":
   * {"<dedupe key>": appliedAtMillis}}}; dedupe keys are URL-safe base64, so {@code @peers}
   * cannot clash with one.
   */
  public static byte[] encodeAppliedIntents(AppliedIntents applied) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + applied.local().size() * 40);
    try (JsonGenerator g = Json.generator(out)) {
      writeAppliedIntents(g, applied);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeAppliedIntents(JsonGenerator g, AppliedIntents applied) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Long> e : applied.local().entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    if (!applied.fromPeers().isEmpty()) {
      g.writeObjectFieldStart(FROM_PEERS);
      for (Map.Entry<String, Long> e : applied.fromPeers().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  public static AppliedIntents decodeAppliedIntents(byte[] bytes) {
    return readAppliedIntents(Json.parse(bytes, "stored applied intents"));
  }

  private static AppliedIntents readAppliedIntents(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw SynclineException.malformed("stored applied intents must be an object");
    }
    TreeMap<String, Long> local = new TreeMap<>();
    TreeMap<String, Long> peers = new TreeMap<>();
    node.fields().forEachRemaining(e -> {
      if (e.getKey().equals(FROM_PEERS)) {
        e.getValue().fields().forEachRemaining(p -> peers.put(p.getKey(), time(p.getValue())));
      } else {
        local.put(e.getKey(), time(e.getValue()));
      }
    });
    return new AppliedIntents(local, peers);
  }

  /** The whole record as one JSON document, for stores that keep it in a single attribute. */
  public static byte[] encode(StoredRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeFieldName("state");
      DeltaCodec.write(g, record.state());
      g.writeArrayFieldStart("outbox");
      for (OutboxEntry entry : record.outbox().values()) {
        writeOutboxEntry(g, entry);
      }
      g.writeEndArray();
      g.writeFieldName("appliedIntents");
      writeAppliedIntents(g, record.appliedIntents());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static StoredRecord decode(byte[] bytes) {
    JsonNode n = Json.parse(bytes, "stored record");
    if (!n.isObject() || !n.path("outbox").isArray()) {
      throw SynclineException.malformed("a stored record is an object with state, outbox and appliedIntents");
    }
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    for (JsonNode e : n.path("outbox")) {
      OutboxEntry entry = readOutboxEntry(e);
      outbox.put(entry.peer(), entry);
    }
    return new StoredRecord(DeltaCodec.read(n.get("state")), outbox, readAppliedIntents(n.get("appliedIntents")));
  }

  /** Sizes of a record's encoded parts, for reports and bounds. */
  public static int encodedSize(StoredRecord record) {
    return encode(record).length;
  }
}
