package dev.syncline.core.crdt;

import dev.syncline.core.SynclineException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The schemas a replica knows, and the rule that maps an op to the field it touches. For an
 * entity with a declared schema, the op must fit the declared type of a declared field. For an
 * entity without one, the type is inferred from the op: {@code set} register, {@code incr}
 * counter, {@code add}/{@code remove} set; {@code unset} clears every type under the name.
 */
public final class Schemas {

  private static final Set<FieldType> ALL_TYPES = Set.of(FieldType.values());

  private final Map<String, EntitySchema> byEntity;

  private Schemas(Map<String, EntitySchema> byEntity) {
    this.byEntity = Collections.unmodifiableMap(byEntity);
  }

  /** No declared schemas: every entity infers its field types. */
  public static Schemas inferred() {
    return new Schemas(Map.of());
  }

  public static Schemas of(EntitySchema... schemas) {
    TreeMap<String, EntitySchema> map = new TreeMap<>();
    for (EntitySchema s : schemas) {
      if (map.put(s.entity(), s) != null) {
        throw new IllegalArgumentException("entity '" + s.entity() + "' has two schemas");
      }
    }
    return new Schemas(map);
  }

  /** The declared schemas, by entity. */
  public Map<String, EntitySchema> declared() {
    return byEntity;
  }

  /**
   * These schemas and {@code more}.
   *
   * @throws IllegalArgumentException naming an entity declared in both
   */
  public Schemas plus(Schemas more) {
    TreeMap<String, EntitySchema> map = new TreeMap<>(byEntity);
    for (EntitySchema s : more.byEntity.values()) {
      if (map.put(s.entity(), s) != null) {
        throw new IllegalArgumentException("entity '" + s.entity() + "' has two schemas");
      }
    }
    return new Schemas(map);
  }

  /**
   * A short hash of the declared schemas (entity, field, type), the same on every replica that
   * declares the same ones: 16 hex digits of SHA-256 over {@code entity.field=type;...} in name
   * order. Change events carry it, so a replica can tell a peer that runs other schemas.
   */
  public String fingerprint() {
    StringBuilder canonical = new StringBuilder();
    byEntity.values().forEach(s -> s.fields().forEach((field, type) ->
        canonical.append(s.entity()).append('.').append(field).append('=').append(type.wireName()).append(';')));
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  public boolean isDeclared(String entity) {
    return byEntity.containsKey(entity);
  }

  /**
   * The field types an op touches.
   *
   * @throws SynclineException of kind SCHEMA_VIOLATION if the op does not fit the declared schema
   */
  public Set<FieldType> typesFor(String entity, Op op) {
    EntitySchema schema = byEntity.get(entity);
    FieldType inferred = inferredType(op);
    if (schema == null) {
      return inferred == null ? ALL_TYPES : Set.of(inferred);
    }
    FieldType declared = schema.fields().get(op.field());
    if (declared == null) {
      throw SynclineException.schemaViolation(
          "field '" + op.field() + "' is not declared for entity '" + entity + "'");
    }
    if (inferred != null && inferred != declared) {
      throw SynclineException.schemaViolation(
          "field '" + op.field() + "' of entity '" + entity + "' is a " + declared.wireName()
              + "; op '" + opName(op) + "' needs a " + inferred.wireName());
    }
    return Set.of(declared);
  }

  /** The type an op implies, or null for {@code unset}, which fits any type. */
  private static FieldType inferredType(Op op) {
    if (op instanceof Op.Set) {
      return FieldType.REGISTER;
    }
    if (op instanceof Op.Incr) {
      return FieldType.COUNTER;
    }
    if (op instanceof Op.Add || op instanceof Op.Remove) {
      return FieldType.SET;
    }
    return null;
  }

  /** The op's name as written in an intent. */
  public static String opName(Op op) {
    return op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
