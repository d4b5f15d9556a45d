package dev.syncline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.e2e.report.ChaosRun;
import org.junit.jupiter.api.Test;

/**
 * The short chaos variant that runs in CI; {@code mvn -B -q -Pchaos verify -DskipTests} runs the
 * long one. Seeded drops, duplicates, reorders, delays, 5xx and partitions on every link.
 */
class ChaosIT {

  @Test
  void identicalViewsNothingLostCountersExactAfterHeal() throws Exception {
    long seed = Long.getLong("chaos.seed", 2L);
    ChaosRun.Result r = new ChaosRun(SharedSandbox.get(), ChaosRun.Options.of(Integer.getInteger("chaos.intents", 400), seed), System.out).run();

    assertThat(r.converged()).as("converged, seed %d", seed).isTrue();
    assertThat(r.divergent()).as("records that differ, seed %d", seed).isZero();
    assertThat(r.lostTags()).as("tags lost, seed %d", seed).isZero();
    assertThat(r.wrongCounters()).as("counters off, seed %d", seed).isZero();
    assertThat(r.partitions()).isPositive();
  }
}
