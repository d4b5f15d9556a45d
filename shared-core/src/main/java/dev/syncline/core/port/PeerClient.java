package dev.syncline.core.port;

import io.cloudevents.CloudEvent;

/**
 * Port: sends one replicated-change CloudEvent to a peer's ingress, or one feed event to a
 * subscriber, and reports how it went. Never throws for network or peer failures: they are
 * {@link Delivery.Retry} values.
 */
public interface PeerClient {
  Delivery deliver(Peer peer, CloudEvent change);

  /** Posts one feed event to a subscriber's webhook; a client that reaches no subscribers retries. */
  default Delivery deliverToSubscriber(Subscriber subscriber, CloudEvent event) {
    return new Delivery.Retry("this client does not deliver to subscribers");
  }
}
