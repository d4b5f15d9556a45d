package dev.syncline.core.port;

import io.cloudevents.CloudEvent;

/**
 * Port: sends one replicated-change CloudEvent to a peer's ingress and reports how it went. Never
 * throws for network or peer failures: they are {@link Delivery.Retry} values.
 */
public interface PeerClient {
  Delivery deliver(Peer peer, CloudEvent change);
}
