package dev.syncline.core.extension;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.SynclineException;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.crdt.FieldType;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Entity schemas as a JSON document, the form DevOps set from Terraform as {@code
 * SYNCLINE_SCHEMAS}: an object of entities, each an object of fields, each a CRDT type.
 *
 * <pre>{@code
 * {"user": {"email": "register", "logins": "counter", "tags": "set"}}
 * }</pre>
 *
 * <p>The setting holds the document itself, or {@code classpath:/path.json} to read it from the
 * function's class path (an extension jar, say). Any error fails the cold start with a
 * CONFIGURATION error naming the entity and field.
 */
public final class SchemaDocument {

  /** The setting's name. */
  public static final String SETTING = "SYNCLINE_SCHEMAS";

  private static final String CLASSPATH = "classpath:";

  private SchemaDocument() {}

  /**
   * Reads the setting's value: the document, or {@code classpath:} and a resource name.
   *
   * @throws SynclineException CONFIGURATION naming the entity and field at fault
   */
  public static Schemas read(String setting, ClassLoader loader) {
    String value = setting.trim();
    if (!value.startsWith(CLASSPATH)) {
      return parse(value, SETTING);
    }
    String resource = value.substring(CLASSPATH.length()).replaceFirst("^/+", "");
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw SynclineException.configuration(SETTING + ": no resource " + resource + " on the class path");
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), SETTING + " (" + resource + ")");
    } catch (IOException e) {
      throw SynclineException.configuration(SETTING + ": could not read " + resource + ": " + e.getMessage());
    }
  }

  /**
   * Parses a schema document.
   *
   * @param where names the document in errors
   * @throws SynclineException CONFIGURATION naming the entity and field at fault
   */
  public static Schemas parse(String json, String where) {
    JsonNode root;
    try {
      root = Json.parse(json, where);
    } catch (SynclineException e) {
      throw SynclineException.configuration(e.getMessage());
    }
    if (!root.isObject()) {
      throw SynclineException.configuration(where + " must be a JSON object of entities, such as "
          + "{\"user\": {\"email\": \"register\"}}");
    }
    List<EntitySchema> schemas = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entity = it.next();
      schemas.add(entity(where, entity.getKey(), entity.getValue()));
    }
    return Schemas.of(schemas.toArray(EntitySchema[]::new));
  }

  private static EntitySchema entity(String where, String name, JsonNode fields) {
    String at = where + ": entity '" + name + "'";
    EntitySchema schema;
    try {
      schema = EntitySchema.of(name);
    } catch (IllegalArgumentException e) {
      throw SynclineException.configuration(at + ": " + e.getMessage());
    }
    if (!fields.isObject() || fields.isEmpty()) {
      throw SynclineException.configuration(at + " must be a non-empty object of fields, such as {\"email\": \"register\"}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String fieldAt = at + ", field '" + field.getKey() + "'";
      if (!field.getValue().isTextual()) {
        throw SynclineException.configuration(fieldAt + ": the type must be a string: register, counter or set");
      }
      FieldType type;
      try {
        type = FieldType.fromWireName(field.getValue().asText());
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration(fieldAt + ": unknown type '" + field.getValue().asText()
            + "'; use register, counter or set");
      }
      try {
        schema = schema.with(field.getKey(), type);
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration(fieldAt + ": " + e.getMessage());
      }
    }
    return schema;
  }
}
