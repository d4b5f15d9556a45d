package dev.syncline.e2e.extension;

import dev.syncline.core.extension.SynclineExtension;

/**
 * An extension whose constructor throws, as one does that reads a setting no one set. {@link
 * ExtensionIT} packs it into a jar of its own with a service file; e2e-tests itself has no service
 * file for it, so nothing else ever loads it.
 */
public final class ThrowingExtension implements SynclineExtension {

  static final String MESSAGE = "PRICE_LIST_URL is not set";

  public ThrowingExtension() {
    throw new IllegalStateException(MESSAGE);
  }
}
