package dev.syncline.e2e;

import dev.syncline.e2e.report.ChaosRun;
import dev.syncline.e2e.sandbox.Sandbox;

/**
 * {@code mvn -B -q -Pchaos verify -DskipTests}: starts the sandbox and runs the chaos run
 * ({@code -Dchaos.intents}, default 3000; {@code -Dchaos.seed}, default 1). Replays exactly with
 * the same seed as far as the faults go (thread timing is not replayed). Exits non-zero on failure.
 */
public final class Chaos {

  private Chaos() {}

  public static void main(String[] args) throws Exception {
    long seed = Long.getLong("chaos.seed", 1L);
    ChaosRun.Options options = ChaosRun.Options.of(Integer.getInteger("chaos.intents", 3000), seed);
    ChaosRun.Result r;
    try (Sandbox sandbox = Sandbox.start(seed, System.out)) {
      r = new ChaosRun(sandbox, options, System.out).run();
    }
    System.exit(r.passed() ? 0 : 1);
  }
}
