package dev.syncline.example;

import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.extension.ChangeListener;
import dev.syncline.core.extension.SynclineExtension;
import java.util.List;
import java.util.Optional;

/**
 * A shop's extension: the {@code product} schema, {@link LowestPriceWins} for its conflicts, and
 * {@link ChangeLogListener} for its changes. The functions find it through
 * {@code META-INF/services/dev.syncline.core.extension.SynclineExtension} and build it once per
 * instance, at the cold start, with this public no-argument constructor.
 */
public final class ShopExtension implements SynclineExtension {

  /** The entity this extension declares. */
  public static final String PRODUCT = "product";

  /**
   * {@code product}: {@code name} and {@code price} are registers (one value, set and unset),
   * {@code stock} a counter (increments), {@code tags} a set (add and remove). An op on any other
   * field, or of the wrong kind ({@code incr} on {@code name}), is refused and dead-lettered.
   */
  @Override
  public List<EntitySchema> schemas() {
    return List.of(EntitySchema.of(PRODUCT).register("name").register("price").counter("stock").set("tags"));
  }

  @Override
  public Optional<ConflictHandler> conflictHandler() {
    return Optional.of(new LowestPriceWins());
  }

  @Override
  public List<ChangeListener> listeners() {
    return List.of(new ChangeLogListener(System.out::println));
  }
}
