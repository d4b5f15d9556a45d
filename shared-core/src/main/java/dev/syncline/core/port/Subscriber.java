package dev.syncline.core.port;

import dev.syncline.core.crdt.Dot;
import java.net.URI;

/**
 * A webhook that receives this replica's change feed ({@code SYNCLINE_SUBSCRIBERS}): a signed
 * {@code dev.syncline.record.updated.v1} event with a record's new view after each change, and a
 * {@code dev.syncline.record.conflict.v1} for each conflict in it. Delivered through the outbox,
 * like a change to a peer.
 *
 * @param name its name, {@code [a-z0-9-]{1,40}}, distinct from every replica id; its signing
 *     secret is the {@code name=whsec_...} entry of {@code SYNCLINE_SECRETS}
 * @param url where events are posted, as they are (no path is added)
 */
public record Subscriber(String name, URI url) {

  /** What a subscriber's outbox entries are kept under: a replica id never holds a dot. */
  public static final String OUTBOX_PREFIX = "sub.";

  public Subscriber {
    try {
      Dot.requireReplicaId(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("subscriber name must match [a-z0-9-]{1,40}");
    }
    if (url == null || url.getScheme() == null || url.getHost() == null) {
      throw new IllegalArgumentException("subscriber " + name + " needs an absolute URL");
    }
  }

  /** The key of this subscriber's entries in a record's outbox. */
  public String outboxKey() {
    return OUTBOX_PREFIX + name;
  }

  /** True if an outbox entry's key names a subscriber rather than a peer. */
  public static boolean isOutboxKey(String key) {
    return key.startsWith(OUTBOX_PREFIX);
  }

  /** As a {@link Peer} of the same name and URL, for the HTTP client's checks. */
  public Peer asPeer() {
    return new Peer(name, url);
  }
}
