package dev.syncline.core.memory;

import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.json.Json;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import io.cloudevents.CloudEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A {@link PeerClient} that hands each change to the peer's engine in the same process, through
 * the structured-mode HTTP wire form so that the same bytes cross as over the network. Links to a
 * replica can be cut and healed.
 */
public final class InProcessPeerClient implements PeerClient {

  private final String from;
  private final Function<String, SyncEngine> engines;
  private final Set<String> cutOff;

  /**
   * @param from the sending replica
   * @param engines finds a peer's engine by replica id
   * @param cutOff replicas whose links are down; shared by every client of one cluster
   */
  public InProcessPeerClient(String from, Function<String, SyncEngine> engines, Set<String> cutOff) {
    this.from = from;
    this.engines = engines;
    this.cutOff = cutOff;
  }

  /** A set to share as {@code cutOff} among the clients of one cluster. */
  public static Set<String> newLinkState() {
    return ConcurrentHashMap.newKeySet();
  }

  @Override
  public Delivery deliver(Peer peer, CloudEvent change) {
    if (cutOff.contains(from) || cutOff.contains(peer.replica())) {
      return new Delivery.Retry("link between " + from + " and " + peer.replica() + " is down");
    }
    SyncEngine target = engines.apply(peer.replica());
    if (target == null) {
      return new Delivery.Retry("no replica " + peer.replica() + " in this process");
    }
    ChangeEvents.HttpMessage wire = ChangeEvents.toStructured(change);
    try {
      target.applyChange(ChangeEvents.read(Json.readCloudEvent(wire.body())));
    } catch (SynclineException e) {
      // As the HTTP ingress answers: a transient failure (AHEAD among them) is retried, the rest refused.
      return e.isTransient()
          ? new Delivery.Retry(e.kind() + ": " + e.getMessage())
          : new Delivery.Refused(e.kind() == SynclineException.Kind.TOO_LARGE ? 413 : 400, e.getMessage());
    }
    return new Delivery.Delivered();
  }
}
