package dev.syncline.core.extension;

import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Extensions that {@link ExtensionsTest} lists in service files of its own. */
final class TestExtensions {

  private TestExtensions() {}

  /** A schema, a conflict handler that keeps the greatest value, and no listener. */
  public static final class Shop implements SynclineExtension {
    @Override
    public List<EntitySchema> schemas() {
      return List.of(EntitySchema.of("order").register("status").counter("items"));
    }

    @Override
    public Optional<ConflictHandler> conflictHandler() {
      return Optional.of(conflict -> List.of(new Op.Set(conflict.field(),
          conflict.values().stream().max(Comparator.comparing(JsonValue::json)).orElseThrow())));
    }
  }

  /** A second extension, to be found beside {@link Shop}. */
  public static final class Audit implements SynclineExtension {
    @Override
    public List<ChangeListener> listeners() {
      return List.of(change -> {});
    }
  }

  /** Fails in its constructor, as an extension with a missing setting would. */
  public static final class Broken implements SynclineExtension {
    public Broken() {
      throw new IllegalStateException("AUDIT_URL is not set");
    }
  }

  /** Declares an entity that the schema document declares too. */
  public static final class Overlapping implements SynclineExtension {
    @Override
    public List<EntitySchema> schemas() {
      return List.of(EntitySchema.of("product").register("name"));
    }
  }
}
