package dev.syncline.core.clock;

/**
 * Port: the wall clock. Core logic never reads system time directly; it asks this port, so that
 * the deterministic simulator and tests can drive time.
 */
@FunctionalInterface
public interface Clock {

  /** Milliseconds since the Unix epoch. */
  long millis();

  /** The system wall clock. */
  static Clock system() {
    return System::currentTimeMillis;
  }
}
