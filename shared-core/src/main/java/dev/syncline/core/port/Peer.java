package dev.syncline.core.port;

import dev.syncline.core.crdt.Dot;
import java.net.URI;

/**
 * Another replica this one forwards to.
 *
 * @param replica its replica id
 * @param ingress the base URL of its HTTPS ingress (DESIGN section 6); changes go to {@code
 *     ingress + "/events"}
 */
public record Peer(String replica, URI ingress) {
  public Peer {
    Dot.requireReplicaId(replica);
    if (ingress == null || ingress.getScheme() == null || ingress.getHost() == null) {
      throw new IllegalArgumentException("peer " + replica + " needs an absolute ingress URL");
    }
  }
}
