package dev.syncline.e2e.bus;

/** What a local bus reports, for progress lines, reports and tests. Called on bus threads. */
public interface BusListener {

  BusListener NONE = new BusListener() {};

  /** The function accepted the event (2xx) on this attempt. */
  default void delivered(String bus, String eventId, int attempt, long publishedNanos, long ackedNanos) {}

  /** An attempt failed and the event will be delivered again. */
  default void retrying(String bus, String eventId, int attempt, String failure) {}

  /** The bus gave up on the event: it went to the bus's dead-letter destination. */
  default void deadLettered(String bus, String eventId, int attempts, String failure) {}
}
