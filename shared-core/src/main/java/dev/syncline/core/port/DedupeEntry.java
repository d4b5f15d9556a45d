package dev.syncline.core.port;

/**
 * One intent's row in the {@link DedupeStore}, as the core writes it and a store reads it back.
 * The store keeps the fields as they are and judges none of them; what they mean (is the lease
 * live? has the entry expired?) is decided by the core's {@code Dedupe}.
 *
 * @param key the intent's dedupe key (URL-safe base64, so safe as any store's key)
 * @param status in progress (a lease is held) or completed (the intent was applied)
 * @param token the lease holder's token while in progress; null once completed
 * @param leaseUntilMillis when the lease lapses; 0 once completed
 * @param expiresAtMillis when the entry may be forgotten
 * @param version what the store needs to tell this entry from a later write of the same key (an
 *     ETag, a revision cell), or null: null on an entry the core builds, and on every entry of a
 *     store that compares entries by their fields. Opaque to the core.
 */
public record DedupeEntry(
    String key, Status status, String token, long leaseUntilMillis, long expiresAtMillis, String version) {

  /** Whether the intent is being applied or was applied. */
  public enum Status {
    IN_PROGRESS,
    COMPLETED
  }

  public DedupeEntry {
    if (key == null || key.isEmpty() || status == null) {
      throw new IllegalArgumentException("a dedupe entry needs a key and a status");
    }
    if (status == Status.IN_PROGRESS && (token == null || token.isEmpty())) {
      throw new IllegalArgumentException("an in-progress dedupe entry needs its holder's token");
    }
  }

  /** An entry leased to {@code token} until {@code leaseUntilMillis}. */
  public static DedupeEntry inProgress(String key, String token, long leaseUntilMillis, long expiresAtMillis) {
    return new DedupeEntry(key, Status.IN_PROGRESS, token, leaseUntilMillis, expiresAtMillis, null);
  }

  /** An entry that marks the intent applied until {@code expiresAtMillis}. */
  public static DedupeEntry completed(String key, long expiresAtMillis) {
    return new DedupeEntry(key, Status.COMPLETED, null, 0, expiresAtMillis, null);
  }

  public boolean isCompleted() {
    return status == Status.COMPLETED;
  }

  /** This entry as read, carrying the store's {@code version}; stores call it when they read. */
  public DedupeEntry withVersion(String version) {
    return new DedupeEntry(key, status, token, leaseUntilMillis, expiresAtMillis, version);
  }
}
