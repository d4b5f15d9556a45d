package dev.syncline.core.extension;

import dev.syncline.core.SynclineException;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.EntitySchema;
import dev.syncline.core.crdt.Schemas;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * What a function instance runs with besides Syncline itself: the schemas of {@code
 * SYNCLINE_SCHEMAS} and of the {@link SynclineExtension} on the class path, the extension's
 * conflict handler and its listeners. Built once, at the cold start; every error is a
 * CONFIGURATION error that names the extension's class or the schema's entity and field.
 *
 * @param name the extension's class name, or {@code none}
 */
public record Extensions(String name, Schemas schemas, ConflictHandler conflictHandler, List<ChangeListener> listeners) {

  /** No extension and no declared schemas: inferred types, conflicts kept visible, no listeners. */
  public static final Extensions NONE = new Extensions("none", Schemas.inferred(), ConflictHandler.KEEP_SIBLINGS, List.of());

  public Extensions {
    listeners = List.copyOf(listeners);
  }

  /**
   * Finds the extension on {@code loader}'s class path and reads the schema setting.
   *
   * @param schemaSetting {@code SYNCLINE_SCHEMAS}, if set
   * @throws SynclineException CONFIGURATION if there are two extensions, one fails to start or
   *     returns nulls, the document is bad, or an entity is declared twice
   */
  public static Extensions load(Optional<String> schemaSetting, ClassLoader loader) {
    Schemas fromSetting = schemaSetting.map(s -> SchemaDocument.read(s, loader)).orElse(Schemas.inferred());
    Optional<SynclineExtension> found = discover(loader);
    if (found.isEmpty()) {
      return new Extensions("none", fromSetting, ConflictHandler.KEEP_SIBLINGS, List.of());
    }
    return of(found.get(), fromSetting);
  }

  /** Wires {@code extension} over the schemas of the setting ({@code fromSetting}). */
  public static Extensions of(SynclineExtension extension, Schemas fromSetting) {
    String name = extension.getClass().getName();
    try {
      List<EntitySchema> declared = extension.schemas();
      Optional<ConflictHandler> handler = extension.conflictHandler();
      List<ChangeListener> listeners = extension.listeners();
      if (declared == null || handler == null || listeners == null || listeners.stream().anyMatch(java.util.Objects::isNull)) {
        throw SynclineException.configuration("extension " + name + " returned null from schemas(), conflictHandler() or listeners()");
      }
      Schemas schemas;
      try {
        schemas = fromSetting.plus(Schemas.of(declared.toArray(EntitySchema[]::new)));
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration("extension " + name + ": " + e.getMessage()
            + " (declare each entity once, in SYNCLINE_SCHEMAS or in the extension)");
      }
      return new Extensions(name, schemas, handler.orElse(ConflictHandler.KEEP_SIBLINGS), listeners);
    } catch (SynclineException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw SynclineException.configuration("extension " + name + " failed while wiring: " + describe(e));
    }
  }

  /**
   * The one {@link SynclineExtension} on the class path, built, if any.
   *
   * @throws SynclineException CONFIGURATION if there are two or more, or one cannot be built
   */
  public static Optional<SynclineExtension> discover(ClassLoader loader) {
    List<ServiceLoader.Provider<SynclineExtension>> providers;
    try {
      providers = ServiceLoader.load(SynclineExtension.class, loader).stream().toList();
    } catch (ServiceConfigurationError e) {
      throw SynclineException.configuration("could not load a Syncline extension: " + describe(e));
    }
    if (providers.isEmpty()) {
      return Optional.empty();
    }
    if (providers.size() > 1) {
      StringBuilder names = new StringBuilder();
      for (ServiceLoader.Provider<SynclineExtension> p : providers) {
        names.append(names.isEmpty() ? "" : ", ").append(p.type().getName()).append(" (").append(origin(p.type())).append(')');
      }
      throw SynclineException.configuration(providers.size() + " Syncline extensions are on the class path: " + names
          + "; a function runs at most one: merge them into one extension, or remove all but one jar");
    }
    ServiceLoader.Provider<SynclineExtension> only = providers.get(0);
    try {
      return Optional.of(only.get());
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw SynclineException.configuration("extension " + only.type().getName() + " (" + origin(only.type())
          + ") failed to start: " + describe(cause));
    }
  }

  private static String origin(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    return source == null || source.getLocation() == null ? "unknown jar" : source.getLocation().toString();
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
