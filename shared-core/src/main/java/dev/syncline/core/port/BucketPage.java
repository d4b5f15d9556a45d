package dev.syncline.core.port;

import dev.syncline.core.RecordKey;
import dev.syncline.core.repair.Digest;
import java.util.List;

/**
 * One page of a bucket's records, for anti-entropy ({@link RecordStore#scanBucket}).
 *
 * @param entries each record's key and state digest, in the store's order
 * @param cursor where the next page starts (opaque, the store's own), or null if this was the last
 */
public record BucketPage(List<Entry> entries, String cursor) {

  public BucketPage {
    entries = List.copyOf(entries);
  }

  /** A record and the digest of its state. */
  public record Entry(RecordKey key, Digest digest) {}

  public boolean isLast() {
    return cursor == null;
  }
}
