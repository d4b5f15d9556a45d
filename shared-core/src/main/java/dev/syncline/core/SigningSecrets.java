package dev.syncline.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Standard Webhooks secrets of one replica (DESIGN section 6): its own inbound secrets, which
 * its ingress verifies every request with (the current one first; several during a rotation), and,
 * for each peer, that peer's current inbound secret, which this replica signs what it sends the
 * peer with. A request captured on its way to one replica is therefore worthless at another.
 *
 * @param inbound this replica's secrets, current first, at least one
 * @param peers by peer replica id, the secret to sign with
 */
public record SigningSecrets(List<String> inbound, Map<String, String> peers) {

  public SigningSecrets {
    inbound = List.copyOf(inbound);
    peers = Map.copyOf(new TreeMap<>(peers));
  }

  /** Never the secrets themselves. */
  @Override
  public String toString() {
    return "SigningSecrets[" + inbound.size() + " inbound, peers " + new TreeMap<>(peers).keySet() + "]";
  }
}
