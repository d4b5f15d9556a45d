package dev.syncline.core.memory;

import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link DedupeStore} in memory, with the same conditional semantics as the cloud stores. */
public final class InMemoryDedupeStore implements DedupeStore {

  private record Entry(boolean completed, String token, long leaseUntil, long expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Claim claim(String key, String token, long now, long leaseUntil, long expiresAt) {
    Claim[] answer = new Claim[1];
    entries.compute(
        key,
        (k, current) -> {
          boolean free =
              current == null
                  || current.expiresAt <= now
                  || (!current.completed && current.leaseUntil <= now);
          if (free) {
            answer[0] = new Claim.Acquired();
            return new Entry(false, token, leaseUntil, expiresAt);
          }
          answer[0] =
              current.completed ? new Claim.AlreadyCompleted() : new Claim.InProgress(current.leaseUntil);
          return current;
        });
    return answer[0];
  }

  @Override
  public void complete(String key, long expiresAt) {
    entries.put(key, new Entry(true, null, 0, expiresAt));
  }

  @Override
  public boolean isCompleted(String key, long nowMillis) {
    Entry e = entries.get(key);
    return e != null && e.completed && e.expiresAt > nowMillis;
  }

  @Override
  public void release(String key, String token) {
    entries.computeIfPresent(
        key, (k, current) -> !current.completed && token.equals(current.token) ? null : current);
  }
}
