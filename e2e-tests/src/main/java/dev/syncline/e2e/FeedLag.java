package dev.syncline.e2e;

import dev.syncline.e2e.report.FeedLagRun;
import java.nio.file.Path;

/**
 * {@code mvn -B -Pfeed-lag -pl e2e-tests -am verify -DskipTests}: starts the sandbox with every
 * cloud feeding one subscriber and measures the change feed's lag ({@code -Dfeed.rate}, default 10
 * intents/s; {@code -Dfeed.seconds}, default 30; {@code -Dfeed.drop}, the share of feed requests
 * each link drops, default 0; {@code -Dfeed.seed}, default 7). Exits 1 if an intent never reached
 * a feed.
 */
public final class FeedLag {

  private FeedLag() {}

  public static void main(String[] args) {
    FeedLagRun.Options options = new FeedLagRun.Options(
        Integer.getInteger("feed.rate", 10),
        Integer.getInteger("feed.seconds", 30),
        Double.parseDouble(System.getProperty("feed.drop", "0")),
        Long.getLong("feed.seed", 7L));
    FeedLagRun.Result r = new FeedLagRun(options, System.out)
        .run(Path.of(System.getProperty("syncline.outsideClient.dir", "scripts/outside-client")));
    System.exit(r.missing() == 0 ? 0 : 1);
  }
}
