package dev.syncline.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Baseline: the "naive read-modify-write" a service without CRDTs would do for the same intent.
 * It parses the same CloudEvent bytes as {@link SynclineApply} with a plain Jackson {@link
 * ObjectMapper} (no CloudEvents SDK, no validation beyond the type), parses the stored record as
 * a plain JSON document with the same fields and values as the record's view ({@link
 * BenchData#plainDocument}: {@value BenchData#RECORD_STRING_FIELDS} strings of {@value
 * BenchData#VALUE_CHARS} characters, {@value BenchData#RECORD_COUNTERS} numbers, a {@value
 * BenchData#RECORD_SET_SIZE}-element array), applies the ops by overwriting fields, adding
 * numbers and appending to arrays (last writer wins, no causality, no conflicts), and serializes
 * the whole document back.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class NaiveJsonRmw {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private byte[] storedDocument;
  private byte[][] events;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    storedDocument = BenchData.plainDocument(BenchData.record());
    events = BenchData.intentEvents();
  }

  @Benchmark
  public void readModifyWrite(Blackhole bh) throws IOException {
    JsonNode event = MAPPER.readTree(events[next++ & (BenchData.EVENT_VARIANTS - 1)]);
    if (!"dev.syncline.record.write.v1".equals(event.path("type").asText())) {
      throw new IllegalArgumentException("not a write intent");
    }
    bh.consume(event.path("subject").asText());
    ObjectNode doc = (ObjectNode) MAPPER.readTree(storedDocument);
    for (JsonNode op : event.path("data").path("ops")) {
      String field = op.path("field").asText();
      switch (op.path("op").asText()) {
        case "set" -> doc.set(field, op.get("value"));
        case "unset" -> doc.remove(field);
        case "incr" -> doc.put(field, doc.path(field).asLong() + op.path("by").asLong());
        case "add" -> {
          ArrayNode array = doc.withArrayProperty(field);
          if (!contains(array, op.get("value"))) {
            array.add(op.get("value"));
          }
        }
        case "remove" -> {
          ArrayNode array = doc.withArrayProperty(field);
          for (int i = array.size() - 1; i >= 0; i--) {
            if (array.get(i).equals(op.get("value"))) {
              array.remove(i);
            }
          }
        }
        case "delete" -> doc.removeAll();
        default -> throw new IllegalArgumentException("unknown op");
      }
    }
    bh.consume(MAPPER.writeValueAsBytes(doc));
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode element : array) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
