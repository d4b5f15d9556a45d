package dev.syncline.e2e.sandbox;

import dev.syncline.e2e.bus.BusTarget;
import java.io.IOException;
import java.net.URI;

/**
 * One cloud of the sandbox: its functions running as its platform hosts them, on its emulator.
 * The sandbox puts a local bus in front of {@link #busTarget()}, a TLS front and fault proxies in
 * front of {@link #ingress()}, and calls {@link #drain()} and {@link #antiEntropy()} on their
 * schedules.
 */
public interface Cloud extends AutoCloseable {

  /** {@code aws}, {@code azure} or {@code gcp}. */
  String name();

  /** The replica id its functions run as, such as {@code aws-us-east-1}. */
  String replicaId();

  /** Delivers one intent, a structured CloudEvent, to the intent function in the native envelope. */
  BusTarget busTarget();

  /**
   * The plain-HTTP address of the platform's HTTP front for the ingress function (DESIGN §6):
   * {@code POST /events}, {@code GET /records/...}, {@code OPTIONS /events}. Only the sandbox's own
   * TLS front and proxies talk to it.
   */
  URI ingress();

  /** Runs the drain function once, as the platform's scheduler would; returns when it has answered. */
  void drain() throws IOException;

  /**
   * Runs the anti-entropy function once, as the platform's scheduler would (its round compares
   * the window of buckets that the clock and {@code SYNCLINE_ANTI_ENTROPY_PERIOD} pick); returns
   * when it has answered.
   *
   * @throws IOException if the function could not be reached, failed or timed out
   */
  void antiEntropy() throws IOException;

  /** Stops every process this cloud started. */
  @Override
  void close();
}
