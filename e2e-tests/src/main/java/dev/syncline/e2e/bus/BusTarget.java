package dev.syncline.e2e.bus;

import java.io.IOException;

/**
 * How one platform hands an event from its bus to a function: it wraps the structured CloudEvent
 * in the native envelope (EventBridge event, Event Grid CloudEvent, Pub/Sub push request) and
 * invokes the function the way the platform does.
 */
@FunctionalInterface
public interface BusTarget {

  /**
   * Delivers one event.
   *
   * @param cloudEvent the intent as published, a structured-mode CloudEvent (JSON)
   * @param attempt 1 for the first delivery, then 2, 3, ...
   * @return the function's answer, in HTTP terms: 2xx delivered, anything else failed
   * @throws IOException if the function could not be reached or did not answer (a retryable failure)
   */
  int deliver(byte[] cloudEvent, int attempt) throws IOException;
}
