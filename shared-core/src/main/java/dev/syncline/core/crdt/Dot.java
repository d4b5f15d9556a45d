package dev.syncline.core.crdt;

/**
 * The unique name of one write: the replica that made it and that replica's per-record event
 * counter (Almeida, Shoker, Baquero, "Delta State Replicated Data Types", JPDC 2018, section 5).
 */
public record Dot(String replica, long counter) implements Comparable<Dot> {

  /**
   * The highest dot counter: 2^53 - 1, the largest integer every JSON reader holds exactly (a
   * double's mantissa), so no tool reading the wire format rounds a dot.
   */
  public static final long MAX_COUNTER = (1L << 53) - 1;

  /**
   * The highest dot counter a change from a peer may carry: 2^52, half of {@link #MAX_COUNTER}.
   * A peer can name dots of any replica, this one included, so a forged counter near the end of
   * the range would leave this replica no dot for its next write; below this bound there are
   * always 2^52 more.
   */
  public static final long MAX_PEER_COUNTER = 1L << 52;

  public Dot {
    requireReplicaId(replica);
    if (counter < 1 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("dot counter must be between 1 and " + MAX_COUNTER);
    }
  }

  /** Validates a replica id against DESIGN section 3: {@code [a-z0-9-]{1,40}}. */
  public static String requireReplicaId(String replica) {
    if (replica == null || replica.isEmpty() || replica.length() > 40) {
      throw new IllegalArgumentException("replica id must match [a-z0-9-]{1,40}");
    }
    for (int i = 0; i < replica.length(); i++) {
      char c = replica.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        throw new IllegalArgumentException("replica id must match [a-z0-9-]{1,40}");
      }
    }
    return replica;
  }

  @Override
  public int compareTo(Dot other) {
    int byReplica = replica.compareTo(other.replica);
    return byReplica != 0 ? byReplica : Long.compare(counter, other.counter);
  }

  @Override
  public String toString() {
    return replica + ":" + counter;
  }
}
