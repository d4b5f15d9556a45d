package dev.syncline.core;

/**
 * The one unchecked exception family of the core. Each failure has a {@link Kind} that tells the
 * caller whether retrying can help; adapters translate vendor exceptions into this family so that
 * nothing vendor-specific crosses the port boundary. Messages never contain payloads.
 */
public final class SynclineException extends RuntimeException {

  /** What went wrong, and whether a retry with the same input can succeed. */
  public enum Kind {
    /** The input is not a valid write intent or change event. Never retry. */
    MALFORMED(false),
    /** The input is well formed but does not fit the entity schema. Never retry. */
    SCHEMA_VIOLATION(false),
    /** A record would exceed what its store can hold. Never retry. */
    TOO_LARGE(false),
    /**
     * The input is well formed but ahead of this replica: stamped further ahead of its clock than
     * {@link Limits#MAX_CLOCK_AHEAD}, or written in a newer format than it reads. The same input
     * can be taken once the clock catches up or the replica is upgraded, so the sender keeps it and
     * retries (until its maximum age) rather than dropping it.
     */
    AHEAD(true),
    /** A conditional write lost a race; reload and retry on fresh state. */
    CONCURRENT_MODIFICATION(true),
    /** A store or peer could not be reached or answered with a server error. */
    UNAVAILABLE(true),
    /** The configuration is invalid; fix the deployment. */
    CONFIGURATION(false);

    private final boolean transientFailure;

    Kind(boolean transientFailure) {
      this.transientFailure = transientFailure;
    }

    /** True if the same request may succeed later. */
    public boolean isTransient() {
      return transientFailure;
    }
  }

  private final Kind kind;

  private SynclineException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public boolean isTransient() {
    return kind.isTransient();
  }

  public static SynclineException malformed(String message) {
    return new SynclineException(Kind.MALFORMED, message, null);
  }

  public static SynclineException malformed(String message, Throwable cause) {
    return new SynclineException(Kind.MALFORMED, message, cause);
  }

  public static SynclineException schemaViolation(String message) {
    return new SynclineException(Kind.SCHEMA_VIOLATION, message, null);
  }

  public static SynclineException tooLarge(String message) {
    return new SynclineException(Kind.TOO_LARGE, message, null);
  }

  public static SynclineException ahead(String message) {
    return new SynclineException(Kind.AHEAD, message, null);
  }

  public static SynclineException concurrentModification(String message) {
    return new SynclineException(Kind.CONCURRENT_MODIFICATION, message, null);
  }

  public static SynclineException unavailable(String message, Throwable cause) {
    return new SynclineException(Kind.UNAVAILABLE, message, cause);
  }

  public static SynclineException configuration(String message) {
    return new SynclineException(Kind.CONFIGURATION, message, null);
  }
}
