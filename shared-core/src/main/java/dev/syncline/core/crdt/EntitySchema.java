package dev.syncline.core.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The declared fields of one entity and their CRDT types. Every replica must share the same
 * schemas. An op that does not fit a declared schema is rejected, never coerced; see {@link
 * Schemas} for entities without a declared schema.
 *
 * <pre>{@code
 * EntitySchema user = EntitySchema.of("user")
 *     .register("email").register("phone").counter("logins").set("tags");
 * }</pre>
 */
public record EntitySchema(String entity, Map<String, FieldType> fields) {

  private static final Pattern ENTITY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

  public EntitySchema {
    requireEntity(entity);
    fields.keySet().forEach(FieldKey::requireFieldName);
    fields = Collections.unmodifiableMap(new TreeMap<>(fields));
  }

  /** Validates an entity name: {@code [a-z][a-z0-9_-]{0,62}}. */
  public static String requireEntity(String entity) {
    if (entity == null || !ENTITY.matcher(entity).matches()) {
      throw new IllegalArgumentException("entity must match [a-z][a-z0-9_-]{0,62}");
    }
    return entity;
  }

  /** A schema with no fields yet. */
  public static EntitySchema of(String entity) {
    return new EntitySchema(entity, Map.of());
  }

  public EntitySchema register(String field) {
    return with(field, FieldType.REGISTER);
  }

  public EntitySchema counter(String field) {
    return with(field, FieldType.COUNTER);
  }

  public EntitySchema set(String field) {
    return with(field, FieldType.SET);
  }

  /** This schema plus one field. @throws IllegalArgumentException if the field is declared */
  public EntitySchema with(String field, FieldType type) {
    if (fields.containsKey(field)) {
      throw new IllegalArgumentException("field '" + field + "' is declared twice");
    }
    TreeMap<String, FieldType> next = new TreeMap<>(fields);
    next.put(field, type);
    return new EntitySchema(entity, next);
  }
}
