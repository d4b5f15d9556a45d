package dev.syncline.core.repair;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.DeltaCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Where a record falls for anti-entropy, and what it hashes to (docs/anti-entropy.md). Both are
 * the same on every cloud: the bucket depends on the subject alone, and the digest on the subject
 * and the state's canonical encoding, which equal states share byte for byte.
 */
public final class RecordDigest {

  /** How many buckets the key space is cut into. Fixed: every replica must agree on it. */
  public static final int BUCKETS = 1024;

  /** The digest's version; a peer answering another version cannot be compared. */
  public static final int VERSION = 1;

  private static final byte[] EMPTY_STATE = DeltaCodec.encode(RecordState.EMPTY);

  private RecordDigest() {}

  /** The record's bucket, 0 to {@value #BUCKETS} − 1: the first two bytes of SHA-256 of its subject. */
  public static int bucket(RecordKey key) {
    byte[] h = sha256().digest(key.subject().getBytes(StandardCharsets.UTF_8));
    return (((h[0] & 0xFF) << 8) | (h[1] & 0xFF)) % BUCKETS;
  }

  /**
   * The record's digest from its state as {@code DeltaCodec} (or {@code StoredRecordCodec.encodeState})
   * encodes it: the first 16 bytes of SHA-256 over the version, the subject, a NUL and the state.
   * An empty state has {@link Digest#ZERO}, like a record that does not exist.
   */
  public static Digest of(RecordKey key, byte[] encodedState) {
    if (Arrays.equals(encodedState, EMPTY_STATE)) {
      return Digest.ZERO;
    }
    MessageDigest sha = sha256();
    sha.update((byte) VERSION);
    sha.update(key.subject().getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(encodedState);
    return Digest.ofBytes(Arrays.copyOf(sha.digest(), 16));
  }

  /** The record's digest from its state. */
  public static Digest of(RecordKey key, RecordState state) {
    return state.isEmpty() ? Digest.ZERO : of(key, DeltaCodec.encode(state));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
