package dev.syncline.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.json.Json;
import dev.syncline.core.crdt.RecordView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON of a record view (DESIGN section 6): fixed member order, sorted field names,
 * values in their canonical text, {@code conflicts} only when present. The same record gives the
 * same bytes on every cloud.
 */
public final class ViewCodec {

  private ViewCodec() {}

  public static byte[] encode(RecordView view) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("entity", view.key().entity());
      g.writeStringField("id", view.key().id());
      g.writeBooleanField("exists", view.exists());
      g.writeObjectFieldStart("fields");
      for (Map.Entry<String, JsonValue> e : view.fields().entrySet()) {
        g.writeFieldName(e.getKey());
        g.writeRawValue(e.getValue().json());
      }
      g.writeEndObject();
      if (!view.conflicts().isEmpty()) {
        g.writeObjectFieldStart("conflicts");
        for (Map.Entry<String, List<JsonValue>> e : view.conflicts().entrySet()) {
          g.writeArrayFieldStart(e.getKey());
          for (JsonValue v : e.getValue()) {
            g.writeRawValue(v.json());
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeObjectFieldStart("version");
      for (Map.Entry<String, Long> e : view.version().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
