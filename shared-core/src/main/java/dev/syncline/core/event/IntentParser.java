package dev.syncline.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.json.Json;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns write-intent CloudEvents into {@link WriteIntent}s, rejecting anything that is not exactly
 * the format of DESIGN section 4 with a {@link SynclineException} of kind {@code MALFORMED} whose
 * message names the offending attribute or op (never the payload).
 */
public final class IntentParser {

  /** At most this many ops in one intent. */
  public static final int MAX_OPS = 256;

  private IntentParser() {}

  /** Parses a structured-mode CloudEvent (JSON format). */
  public static WriteIntent parseStructured(byte[] json) {
    return parse(readStructured(json));
  }

  /** Reads a structured-mode JSON CloudEvent, whatever its type, with exact decimals. */
  public static CloudEvent readStructured(byte[] json) {
    return Json.readCloudEvent(json);
  }

  /** Validates a CloudEvent and reads its intent. */
  public static WriteIntent parse(CloudEvent event) {
    if (!WriteIntent.TYPE.equals(event.getType())) {
      throw SynclineException.malformed("type must be " + WriteIntent.TYPE);
    }
    RecordKey key;
    try {
      key = RecordKey.fromSubject(event.getSubject());
    } catch (IllegalArgumentException e) {
      throw SynclineException.malformed("subject: " + e.getMessage());
    }
    String contentType = event.getDataContentType();
    if (contentType != null && !isJson(contentType)) {
      throw SynclineException.malformed("datacontenttype must be application/json");
    }
    CloudEventData data = event.getData();
    if (data == null) {
      throw SynclineException.malformed("data is required: {\"ops\":[...]}");
    }
    JsonNode root;
    if (data instanceof JsonCloudEventData parsed) {
      root = parsed.getNode();
      if (Json.hasBinaryFloat(root)) {
        // Some reader other than Json's parsed this event and may have rounded its decimals.
        throw new IllegalStateException("the intent's data was read with a mapper that reads decimals as double;"
            + " read CloudEvents with Json.readCloudEvent");
      }
    } else {
      root = Json.parse(data.toBytes(), "data");
    }
    List<Op> ops = parseOps(root);
    if (event.getId() == null || event.getId().isEmpty() || event.getSource().toString().isEmpty()) {
      // The SDK takes an empty id or source; the dedupe key needs both.
      throw SynclineException.malformed("id and source must not be empty");
    }
    Object traceparent = event.getExtension("traceparent");
    return new WriteIntent(
        event.getSource().toString(),
        event.getId(),
        key,
        ops,
        traceparent == null ? null : traceparent.toString());
  }

  static boolean isJson(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return base.equals("application/json") || base.endsWith("+json");
  }

  /** Parses {@code {"ops":[...]}}. */
  public static List<Op> parseOps(JsonNode root) {
    if (!root.isObject()) {
      throw SynclineException.malformed("data must be a JSON object {\"ops\":[...]}");
    }
    requireOnly(root, "data", Set.of("ops"));
    JsonNode ops = root.get("ops");
    if (ops == null || !ops.isArray() || ops.isEmpty()) {
      throw SynclineException.malformed("data.ops must be a non-empty array");
    }
    if (ops.size() > MAX_OPS) {
      throw SynclineException.malformed("data.ops has more than " + MAX_OPS + " ops");
    }
    List<Op> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      out.add(parseOp(ops.get(i), "ops[" + i + "]"));
    }
    return out;
  }

  private static Op parseOp(JsonNode node, String at) {
    if (!node.isObject()) {
      throw SynclineException.malformed(at + " must be an object");
    }
    JsonNode name = node.get("op");
    if (name == null || !name.isTextual()) {
      throw SynclineException.malformed(at + ".op must be one of set, unset, incr, add, remove, delete");
    }
    try {
      switch (name.asText()) {
        case "set":
          requireOnly(node, at, Set.of("op", "field", "value"));
          return new Op.Set(field(node, at), JsonValue.of(required(node, at, "value")));
        case "unset":
          requireOnly(node, at, Set.of("op", "field"));
          return new Op.Unset(field(node, at));
        case "incr":
          requireOnly(node, at, Set.of("op", "field", "by"));
          JsonNode by = required(node, at, "by");
          if (!by.isIntegralNumber() || !by.canConvertToLong()) {
            throw SynclineException.malformed(at + ".by must be a signed 64-bit integer");
          }
          return new Op.Incr(field(node, at), by.longValue());
        case "add":
          requireOnly(node, at, Set.of("op", "field", "value"));
          return new Op.Add(field(node, at), scalar(node, at));
        case "remove":
          requireOnly(node, at, Set.of("op", "field", "value"));
          return new Op.Remove(field(node, at), scalar(node, at));
        case "delete":
          requireOnly(node, at, Set.of("op"));
          return new Op.Delete();
        default:
          throw SynclineException.malformed(
              at + ".op must be one of set, unset, incr, add, remove, delete");
      }
    } catch (IllegalArgumentException e) {
      throw SynclineException.malformed(at + ": " + e.getMessage());
    }
  }

  private static String field(JsonNode node, String at) {
    JsonNode field = required(node, at, "field");
    if (!field.isTextual()) {
      throw SynclineException.malformed(at + ".field must be a string");
    }
    return field.asText();
  }

  private static JsonValue scalar(JsonNode node, String at) {
    JsonNode value = required(node, at, "value");
    if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
      throw SynclineException.malformed(at + ".value must be a JSON string, number or boolean");
    }
    return JsonValue.of(value);
  }

  private static JsonNode required(JsonNode node, String at, String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      throw SynclineException.malformed(at + "." + name + " is required");
    }
    return value;
  }

  private static void requireOnly(JsonNode node, String at, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        throw SynclineException.malformed(at + " has an unknown property '" + shown + "'");
      }
    }
  }
}
