package dev.syncline.e2e;

import dev.syncline.e2e.sandbox.Sandbox;

/** One sandbox for every integration test class of the run (failsafe runs them in one JVM). */
final class SharedSandbox {

  private static Sandbox sandbox;

  private SharedSandbox() {}

  static synchronized Sandbox get() {
    if (sandbox == null) {
      sandbox = Sandbox.start(Long.getLong("sandbox.seed", 11L), System.out);
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
    }
    return sandbox;
  }

  /**
   * Stops the shared sandbox, if it runs, so that a test can start one of its own without the two
   * sharing the machine; the next {@link #get} starts a new one.
   */
  static synchronized void close() {
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }
}
