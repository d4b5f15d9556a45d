package dev.syncline.e2e;

import dev.syncline.e2e.sandbox.Sandbox;

/**
 * One sandbox for every integration test class of the run that needs all three clouds (failsafe
 * runs them in one JVM). Classes that start processes of their own close it first ({@link #close}):
 * an idle sandbox still runs its drain and anti-entropy schedules (a round every 0.6 s on two
 * clouds), which made those classes two to six times slower on a two-core machine.
 */
public final class SharedSandbox {

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
  public static synchronized void close() {
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }
}
