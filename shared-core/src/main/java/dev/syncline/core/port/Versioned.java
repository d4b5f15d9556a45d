package dev.syncline.core.port;

/**
 * A stored record as read, with the version its next conditional write must name.
 *
 * @param version positive; each successful write stores {@code version + 1}
 */
public record Versioned(StoredRecord record, long version) {
  public Versioned {
    if (version < 1) {
      throw new IllegalArgumentException("stored versions start at 1");
    }
  }
}
