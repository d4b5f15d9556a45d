package dev.syncline.core.contract;

import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A {@link DedupeStore} whose process dies on the way into {@code complete} whenever {@code
 * dies} says so: the error is thrown before the completion is stored, as when a function is
 * killed right after its record write. Everything else goes to {@code real}.
 */
public final class DyingDedupeStore implements DedupeStore {

  private final DedupeStore real;
  private final BooleanSupplier dies;
  private final Supplier<? extends Error> death;

  public DyingDedupeStore(DedupeStore real, BooleanSupplier dies, Supplier<? extends Error> death) {
    this.real = real;
    this.dies = dies;
    this.death = death;
  }

  @Override
  public Claim claim(String key, String token, long now, long leaseUntil, long expiresAt) {
    return real.claim(key, token, now, leaseUntil, expiresAt);
  }

  @Override
  public void complete(String key, long expiresAt) {
    if (dies.getAsBoolean()) {
      throw death.get();
    }
    real.complete(key, expiresAt);
  }

  @Override
  public void release(String key, String token) {
    real.release(key, token);
  }

  @Override
  public boolean isCompleted(String key, long nowMillis) {
    return real.isCompleted(key, nowMillis);
  }
}
