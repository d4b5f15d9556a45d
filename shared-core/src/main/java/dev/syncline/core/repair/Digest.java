package dev.syncline.core.repair;

import java.util.HexFormat;

/**
 * A 128-bit digest of a record's state, or the XOR of several (a bucket's). {@link #ZERO} is the
 * digest of no record, and of a record whose state is empty.
 */
public record Digest(long hi, long lo) {

  public static final Digest ZERO = new Digest(0, 0);

  private static final HexFormat HEX = HexFormat.of();

  /** The XOR of both: how a bucket folds in one more record. */
  public Digest xor(Digest other) {
    return new Digest(hi ^ other.hi, lo ^ other.lo);
  }

  public boolean isZero() {
    return hi == 0 && lo == 0;
  }

  /** 32 lower-case hex digits. */
  public String hex() {
    return HEX.toHexDigits(hi) + HEX.toHexDigits(lo);
  }

  /** The 16 bytes, big-endian: what a store keeps beside the record. */
  public byte[] bytes() {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (hi >>> (56 - 8 * i));
      out[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return out;
  }

  /**
   * Reads 16 bytes as {@link #bytes} writes them.
   *
   * @throws IllegalArgumentException unless there are exactly 16
   */
  public static Digest ofBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 16) {
      throw new IllegalArgumentException("a digest is 16 bytes");
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (bytes[i] & 0xFF);
      lo = (lo << 8) | (bytes[8 + i] & 0xFF);
    }
    return new Digest(hi, lo);
  }

  /**
   * Reads {@link #hex}.
   *
   * @throws IllegalArgumentException unless it is 32 hex digits
   */
  public static Digest ofHex(String hex) {
    if (hex == null || hex.length() != 32) {
      throw new IllegalArgumentException("a digest is 32 hex digits");
    }
    try {
      return new Digest(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a digest is 32 hex digits");
    }
  }

  @Override
  public String toString() {
    return hex();
  }
}
