package dev.syncline.core.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one workload every benchmark of this package shares, so that Syncline and the baselines
 * handle data of equal size. All sizes are the constants below; nothing is random.
 *
 * <p><b>The record</b> ({@link #record()}): entity {@value #ENTITY}, built by applying {@value
 * #HISTORY_INTENTS} earlier intents round-robin from the {@value #REPLICA_COUNT} replicas of
 * {@link #REPLICAS}, plus one pair of concurrent writes to {@code field03} from two replicas that
 * were then joined (one register with two siblings, as a real conflict leaves it). It ends up with
 * {@value #RECORD_STRING_FIELDS} register fields {@code field00..field15} holding strings of
 * {@value #VALUE_CHARS} characters, {@value #RECORD_COUNTERS} counters ({@code logins}, {@code
 * points}) with a contribution from every replica, and one set {@code tags} of {@value
 * #RECORD_SET_SIZE} string elements.
 *
 * <p><b>The intent</b> ({@link #intentEvent(int)}): a structured-mode CloudEvent (JSON), type
 * {@code dev.syncline.record.write.v1}, subject {@code user/<n>}, data {@code {"ops":[...]}} with
 * {@value #INTENT_SETS} {@code set} ops of {@value #VALUE_CHARS}-character strings on existing
 * fields, one {@code incr} of {@code logins} and one {@code add} of a new tag: {@value
 * #INTENT_OPS} ops, about 1 KB in all ({@link #MIN_EVENT_BYTES}..{@link #MAX_EVENT_BYTES}, checked).
 * {@value #EVENT_VARIANTS} variants differ in id, subject, touched fields and values; benchmarks
 * cycle through them.
 *
 * <p><b>Stamps</b> come from a counter ({@link #hlc(long)}), never from the system clock.
 */
final class BenchData {

  /** The entity of the record. */
  static final String ENTITY = "user";

  /** Replica ids; the benchmarks apply intents as the first one. */
  static final String[] REPLICAS = {"aws-us-east-1", "azure-eastus", "gcp-us-east4"};

  static final int REPLICA_COUNT = 3;

  /** The replica that applies the measured intents. */
  static final String LOCAL_REPLICA = REPLICAS[0];

  /** Register (string) fields of the record: {@code field00..field15}. */
  static final int RECORD_STRING_FIELDS = 16;

  /** Characters of every string field value, in the record and in the intent. */
  static final int VALUE_CHARS = 84;

  /** Counter fields of the record: {@code logins}, {@code points}. */
  static final int RECORD_COUNTERS = 2;

  /** Elements of the record's set field {@code tags} ({@code "tag-00".."tag-15"}). */
  static final int RECORD_SET_SIZE = 16;

  /** Earlier intents the record state was built from (before the concurrent pair). */
  static final int HISTORY_INTENTS = 24;

  /** {@code set} ops in the measured intent. */
  static final int INTENT_SETS = 6;

  /** Ops in the measured intent: the sets, one {@code incr}, one {@code add}. */
  static final int INTENT_OPS = INTENT_SETS + 2;

  /** Bounds on the encoded intent event (bytes): "a 1 KB intent". */
  static final int MIN_EVENT_BYTES = 960;

  static final int MAX_EVENT_BYTES = 1088;

  /** Distinct intent events the benchmarks cycle through (a power of two). */
  static final int EVENT_VARIANTS = 16;

  /** Wall part of the first stamp the measured intents get; above every history stamp. */
  static final long BENCH_WALL_START = 1_800_000_000_000L;

  private static final long HISTORY_WALL_START = 1_764_158_400_000L;

  private static final ObjectMapper PLAIN = new ObjectMapper();

  private BenchData() {}

  /** A stamp from a counter: wall part {@code BENCH_WALL_START + tick}, logical 0. */
  static Hlc hlc(long tick) {
    return new Hlc(BENCH_WALL_START + tick, 0);
  }

  /** Schema rules, made once as the engine's configuration makes them. */
  static final Schemas SCHEMAS = Schemas.inferred();

  static String fieldName(int i) {
    return String.format("field%02d", i);
  }

  static String tag(int i) {
    return String.format("tag-%02d", i);
  }

  /** A deterministic string of exactly {@link #VALUE_CHARS} ASCII characters. */
  static String value(int seed) {
    StringBuilder sb = new StringBuilder(VALUE_CHARS);
    String prefix = "v" + seed + "-";
    sb.append(prefix);
    int x = seed * 31 + 7;
    while (sb.length() < VALUE_CHARS) {
      x = x * 1103515245 + 12345;
      sb.append((char) ('a' + ((x >>> 16) & 0x7fff) % 26));
    }
    return sb.toString();
  }

  /**
   * The existing record state: see the class comment.
   */
  static RecordState record() {
    RecordState state = RecordState.EMPTY;
    long wall = HISTORY_WALL_START;
    int fieldCursor = 0;
    int tagCursor = 0;
    for (int i = 0; i < HISTORY_INTENTS; i++) {
      String replica = REPLICAS[i % REPLICA_COUNT];
      List<Op> ops = new ArrayList<>();
      // Each earlier intent writes 4 fields, so every field is written (several times).
      for (int k = 0; k < 4; k++) {
        int f = fieldCursor++ % RECORD_STRING_FIELDS;
        ops.add(new Op.Set(fieldName(f), JsonValue.ofString(value(1000 + i * 10 + k))));
      }
      ops.add(new Op.Incr("logins", 1));
      ops.add(new Op.Incr("points", 10 + i));
      if (tagCursor < RECORD_SET_SIZE) {
        ops.add(new Op.Add("tags", JsonValue.ofString(tag(tagCursor++))));
      }
      state = state.apply(ENTITY, ops, replica, new Hlc(wall += 1000, 0), SCHEMAS).state();
    }
    // Tags still missing (only if HISTORY_INTENTS < RECORD_SET_SIZE).
    while (tagCursor < RECORD_SET_SIZE) {
      List<Op> add = List.of(new Op.Add("tags", JsonValue.ofString(tag(tagCursor++))));
      state = state.apply(ENTITY, add, REPLICAS[1], new Hlc(wall += 1000, 0), SCHEMAS).state();
    }
    // Two replicas write field03 concurrently; both siblings survive the join.
    RecordState left =
        state.apply(ENTITY, List.of(new Op.Set("field03", JsonValue.ofString(value(9001)))),
            REPLICAS[1], new Hlc(wall += 1000, 0), SCHEMAS).state();
    RecordState right =
        state.apply(ENTITY, List.of(new Op.Set("field03", JsonValue.ofString(value(9002)))),
            REPLICAS[2], new Hlc(wall, 1), SCHEMAS).state();
    RecordState record = left.join(right);
    check(record.fields().size() == RECORD_STRING_FIELDS + RECORD_COUNTERS + 1,
        "record has " + record.fields().size() + " fields");
    return record;
  }

  /** The structured-mode CloudEvent bytes of intent variant {@code n}. */
  static byte[] intentEvent(int n) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode event = f.objectNode();
    event.put("specversion", "1.0");
    event.put("type", "dev.syncline.record.write.v1");
    event.put("source", "/apps/bench");
    event.put("id", String.format("bench-%06d", n));
    event.put("subject", ENTITY + "/" + (1000 + n));
    event.put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    ArrayNode ops = data.putArray("ops");
    for (int k = 0; k < INTENT_SETS; k++) {
      int field = (n + k * 3) % RECORD_STRING_FIELDS;
      ops.addObject().put("op", "set").put("field", fieldName(field)).put("value", value(n * 100 + k));
    }
    ops.addObject().put("op", "incr").put("field", "logins").put("by", 1);
    ops.addObject().put("op", "add").put("field", "tags").put("value", tag(RECORD_SET_SIZE + n));
    byte[] bytes = write(event);
    check(bytes.length >= MIN_EVENT_BYTES && bytes.length <= MAX_EVENT_BYTES,
        "intent event is " + bytes.length + " bytes");
    return bytes;
  }

  static byte[][] intentEvents() {
    byte[][] out = new byte[EVENT_VARIANTS][];
    for (int n = 0; n < EVENT_VARIANTS; n++) {
      out[n] = intentEvent(n);
    }
    return out;
  }

  /**
   * The record as the naive baseline stores it: a plain JSON document with the same field names
   * and values as the record's view (strings, numbers, the tag array), no causal metadata.
   */
  static byte[] plainDocument(RecordState record) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    record.view(new dev.syncline.core.RecordKey(ENTITY, "1000"))
        .fields()
        .forEach((name, value) -> doc.set(name, value.toNode()));
    check(doc.size() == RECORD_STRING_FIELDS + RECORD_COUNTERS + 1, "plain document size");
    check(doc.get("tags").size() == RECORD_SET_SIZE, "plain document tags");
    return write(doc);
  }

  static byte[] write(Object node) {
    try {
      return PLAIN.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark fixture is off: " + what);
    }
  }
}
