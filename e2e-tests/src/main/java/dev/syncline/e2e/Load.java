package dev.syncline.e2e;

import dev.syncline.e2e.report.LoadRun;
import dev.syncline.e2e.sandbox.Sandbox;

/**
 * {@code mvn -B -q -Pload verify -DskipTests}: starts the sandbox and runs the load run
 * ({@code -Dload.rate}, default 100 intents/s; {@code -Dload.seconds}, default 60;
 * {@code -Dload.seed}, default 7). Prints the figures and the HTML report's path.
 */
public final class Load {

  private Load() {}

  public static void main(String[] args) throws Exception {
    LoadRun.Options defaults = LoadRun.Options.defaults();
    LoadRun.Options options = new LoadRun.Options(
        Integer.getInteger("load.rate", defaults.perSecond()),
        Integer.getInteger("load.seconds", defaults.seconds()),
        defaults.hotShare(), defaults.duplicateShare(), Long.getLong("load.seed", defaults.seed()));
    LoadRun.Result r;
    try (Sandbox sandbox = Sandbox.start(options.seed(), System.out)) {
      r = new LoadRun(sandbox, options, System.out).run();
    }
    System.exit(r.visibleEverywhere() == r.measured() && r.divergent() == 0 ? 0 : 1);
  }
}
