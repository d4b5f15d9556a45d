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
