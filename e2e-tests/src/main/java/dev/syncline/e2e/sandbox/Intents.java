package dev.syncline.e2e.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.net.Http;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Builds write intents as an application would publish them: structured CloudEvents (DESIGN §4). */
public final class Intents {

  public static final String TYPE = "dev.syncline.record.write.v1";

  private Intents() {}

  /**
   * One intent.
   *
   * @param id the CloudEvent id (the dedupe key)
   * @param subject {@code entity/id}
   * @param ops the ops, e.g. {@code Intents.ops().add(Intents.set("email", "a@b"))}
   */
  public static byte[] write(String id, String subject, ArrayNode ops) {
    ObjectNode ce = Http.JSON.createObjectNode()
        .put("specversion", "1.0")
        .put("type", TYPE)
        .put("source", "/apps/sandbox")
        .put("id", id)
        .put("subject", subject)
        .put("time", Instant.now().toString())
        .put("datacontenttype", "application/json");
    ce.putObject("data").set("ops", ops);
    try {
      return Http.JSON.writeValueAsBytes(ce);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ArrayNode ops(JsonNode... ops) {
    ArrayNode a = Http.JSON.createArrayNode();
    for (JsonNode op : ops) {
      a.add(op);
    }
    return a;
  }

  public static ObjectNode set(String field, String value) {
    return Http.JSON.createObjectNode().put("op", "set").put("field", field).put("value", value);
  }

  public static ObjectNode incr(String field, long by) {
    return Http.JSON.createObjectNode().put("op", "incr").put("field", field).put("by", by);
  }

  public static ObjectNode add(String field, String value) {
    return Http.JSON.createObjectNode().put("op", "add").put("field", field).put("value", value);
  }

  public static ObjectNode remove(String field, String value) {
    return Http.JSON.createObjectNode().put("op", "remove").put("field", field).put("value", value);
  }

  public static ObjectNode delete() {
    return Http.JSON.createObjectNode().put("op", "delete");
  }
}
