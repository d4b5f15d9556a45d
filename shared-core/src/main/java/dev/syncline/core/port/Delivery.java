package dev.syncline.core.port;

/** The answer of {@link PeerClient#deliver}. */
public sealed interface Delivery {

  /** The peer durably merged the change (2xx). */
  record Delivered() implements Delivery {}

  /** The peer or the network failed in a way a later attempt may fix (5xx, 429, 401, timeout). */
  record Retry(String reason) implements Delivery {}

  /** The peer refused the change as invalid (400, 413, 415): retrying cannot help. */
  record Refused(int status, String reason) implements Delivery {}
}
