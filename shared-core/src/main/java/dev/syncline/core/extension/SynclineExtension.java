package dev.syncline.core.extension;

import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.EntitySchema;
import java.util.List;
import java.util.Optional;

/**
 * What a handler developer adds to the deployed functions, with no fork of Syncline: entity
 * schemas, a conflict handler and change listeners. Each cloud's functions find one with {@link
 * java.util.ServiceLoader} on their class path (a jar in the Lambda layer's {@code /opt/java/lib},
 * or in {@code lib/} of the Azure app package or the GCP deploy folder), listed in {@code
 * META-INF/services/dev.syncline.core.extension.SynclineExtension}. At most one may be present.
 *
 * <p>The extension is built once per function instance, at its cold start, with its public
 * no-argument constructor; an exception there fails the start with the extension's class named.
 * Every replica of a deployment must run the same schemas and the same conflict handler, or they
 * resolve the same conflict differently.
 *
 * <pre>{@code
 * public final class Shop implements SynclineExtension {
 *   public List<EntitySchema> schemas() {
 *     return List.of(EntitySchema.of("product").register("name").register("price").counter("stock"));
 *   }
 * }
 * }</pre>
 */
public interface SynclineExtension {

  /** Entity schemas, in addition to those of {@code SYNCLINE_SCHEMAS} (an entity may be declared in only one). */
  default List<EntitySchema> schemas() {
    return List.of();
  }

  /** How same-field conflicts are resolved; empty leaves them visible ({@link ConflictHandler#KEEP_SIBLINGS}). */
  default Optional<ConflictHandler> conflictHandler() {
    return Optional.empty();
  }

  /** Called after each durable change to a record; see {@link ChangeListener} for the guarantee. */
  default List<ChangeListener> listeners() {
    return List.of();
  }
}
