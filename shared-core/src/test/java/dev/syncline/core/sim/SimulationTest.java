package dev.syncline.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation for many seeds (system property {@code syncline.sim.seeds},
 * 2,000 in CI) or replays one ({@code -Dsyncline.sim.seed=N}).
 */
class SimulationTest {

  @Test
  void replicas_converge_loseNothing_andCountExactly_underEveryFaultSchedule() {
    String replay = System.getProperty("syncline.sim.seed");
    long from = replay != null ? Long.parseLong(replay) : 1;
    int seeds = replay != null ? 1 : Integer.getInteger("syncline.sim.seeds", 2_000);
    Simulation.Stats total = new Simulation.Stats();
    for (long seed = from; seed < from + seeds; seed++) {
      Simulation sim = new Simulation(seed);
      try {
        sim.run().check();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "simulation seed " + seed + " failed (" + sim.stats + "): " + e.getMessage()
                + "\nreplay with: mvn -pl shared-core test -Dtest=SimulationTest -Dsyncline.sim.seed=" + seed, e);
      }
      add(total, sim.stats);
    }
    System.out.printf("simulated %d seeds: %s%n", seeds, total);
    // The faults must really have happened, or the run proves nothing.
    assertThat(total.crashes).isPositive();
    assertThat(total.dropped).isPositive();
    assertThat(total.duplicatesDelivered).isPositive();
    assertThat(total.strayCopies).isPositive();
    if (seeds > 50) {
      assertThat(total.partitions).isPositive();
      assertThat(total.lostAcks).isPositive();
    }
  }

  private static void add(Simulation.Stats total, Simulation.Stats s) {
    total.intents += s.intents;
    total.deliveries += s.deliveries;
    total.duplicatesDelivered += s.duplicatesDelivered;
    total.crashes += s.crashes;
    total.dropped += s.dropped;
    total.strayCopies += s.strayCopies;
    total.partitions += s.partitions;
    total.lostAcks += s.lostAcks;
  }
}
