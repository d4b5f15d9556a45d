package dev.syncline.core.memory;

import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DedupeStore} in memory. Each write stamps a new version, and a conditional write
 * compares the whole entry, version included, so it behaves like an ETag. It sweeps expired
 * entries, as a store without TTL must.
 */
public final class InMemoryDedupeStore implements DedupeStore {

  private final Map<String, DedupeEntry> entries = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();

  private DedupeEntry stamped(DedupeEntry entry) {
    return entry.withVersion(Long.toString(versions.incrementAndGet()));
  }

  @Override
  public Optional<DedupeEntry> read(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public boolean insertIfAbsent(DedupeEntry entry) {
    return entries.putIfAbsent(entry.key(), stamped(entry)) == null;
  }

  @Override
  public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
    return entries.replace(expected.key(), expected, stamped(next));
  }

  @Override
  public boolean deleteIfUnchanged(DedupeEntry expected) {
    return entries.remove(expected.key(), expected);
  }

  @Override
  public int sweepExpired(long nowMillis, int limit) {
    int deleted = 0;
    for (DedupeEntry entry : entries.values()) {
      if (deleted >= limit) {
        break;
      }
      if (entry.expiresAtMillis() <= nowMillis && entries.remove(entry.key(), entry)) {
        deleted++;
      }
    }
    return deleted;
  }
}
