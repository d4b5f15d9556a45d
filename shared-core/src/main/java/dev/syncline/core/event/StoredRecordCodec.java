package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.SynclineException;
import dev.syncline.core.json.Json;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Bytes for the parts of a {@link StoredRecord}, for adapters to put into native items: the state
 * (in the delta format), the outbox entries and the applied-intent list. Adapters may store the
 * three parts in separate attributes, columns or entities, as long as they write them atomically.
 */
public final class StoredRecordCodec {

  private StoredRecordCodec() {}

  public static byte[] encodeState(RecordState state) {
    return DeltaCodec.encode(state);
  }

  public static RecordState decodeState(byte[] bytes) {
    return DeltaCodec.decode(bytes);
  }

  /** One outbox entry as JSON. */
  public static byte[] encodeOutboxEntry(OutboxEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
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
    g.writeFieldName("delta");
    DeltaCodec.write(g, entry.delta());
    g.writeEndObject();
  }

  public static OutboxEntry decodeOutboxEntry(byte[] bytes) {
    return readOutboxEntry(Json.parse(bytes, "stored outbox entry"));
  }

  private static OutboxEntry readOutboxEntry(JsonNode n) {
    try {
      JsonNode trace = n.get("traceparent");
      return new OutboxEntry(
          n.get("peer").asText(),
          DeltaCodec.read(n.get("delta")),
          n.get("changeId").asText(),
          n.get("firstPendingMillis").asLong(),
          n.get("attempts").asInt(),
          n.get("nextAttemptMillis").asLong(),
          trace == null ? null : trace.asText());
    } catch (NullPointerException e) {
      throw SynclineException.malformed("stored outbox entry is incomplete");
    }
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

  /** The applied-intent list as JSON: {@code {"<dedupe key>": appliedAtMillis}}. */
  public static byte[] encodeAppliedIntents(SortedMap<String, Long> applied) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + applied.size() * 40);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, Long> e : applied.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static SortedMap<String, Long> decodeAppliedIntents(byte[] bytes) {
    TreeMap<String, Long> out = new TreeMap<>();
    Json.parse(bytes, "stored applied intents")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
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
      g.writeRawValue(new String(encodeAppliedIntents(record.appliedIntents()), java.nio.charset.StandardCharsets.UTF_8));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static StoredRecord decode(byte[] bytes) {
    JsonNode n = Json.parse(bytes, "stored record");
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    for (JsonNode e : n.path("outbox")) {
      OutboxEntry entry = readOutboxEntry(e);
      outbox.put(entry.peer(), entry);
    }
    TreeMap<String, Long> applied = new TreeMap<>();
    n.path("appliedIntents").fields().forEachRemaining(e -> applied.put(e.getKey(), e.getValue().asLong()));
    return new StoredRecord(DeltaCodec.read(n.get("state")), outbox, applied);
  }
}
