package dev.syncline.core.contract;

import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A {@link DedupeStore} whose process dies on the way into a completion whenever {@code dies}
 * says so: the error is thrown before a completed entry is written, as when a function is killed
 * right after its record write. Everything else goes to {@code real}.
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

  private void mayDieWriting(DedupeEntry entry) {
    if (entry.isCompleted() && dies.getAsBoolean()) {
      throw death.get();
    }
  }

  @Override
  public Optional<DedupeEntry> read(String key) {
    return real.read(key);
  }

  @Override
  public boolean insertIfAbsent(DedupeEntry entry) {
    mayDieWriting(entry);
    return real.insertIfAbsent(entry);
  }

  @Override
  public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
    mayDieWriting(next);
    return real.replaceIfUnchanged(expected, next);
  }

  @Override
  public boolean deleteIfUnchanged(DedupeEntry expected) {
    return real.deleteIfUnchanged(expected);
  }

  @Override
  public int sweepExpired(long nowMillis, int limit) {
    return real.sweepExpired(nowMillis, limit);
  }
}
