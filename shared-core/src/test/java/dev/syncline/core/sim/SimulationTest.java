package dev.syncline.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation for many seeds (system property {@code syncline.sim.seeds},
 * 2,000 in CI; {@code -Dsyncline.sim.from=N} to start elsewhere) or replays one ({@code
 * -Dsyncline.sim.seed=N}). A seed's kind follows from its number: every 50th writes a thousand
 * times or more to one hot record, every 50th from the 7th on keeps a replica down past the
 * max age, and every 50th from the 23rd on has the third replica join, empty, at the barrier.
 */
class SimulationTest {

  static Simulation.Kind kindOf(long seed) {
    if (seed % 50 == 0) {
      return Simulation.Kind.HOT;
    }
    if (seed % 50 == 7) {
      return Simulation.Kind.OUTAGE;
    }
    return seed % 50 == 23 ? Simulation.Kind.JOIN : Simulation.Kind.NORMAL;
  }

  @Test
  void replicas_converge_matchWhatWasAcknowledged_andStayBounded_underEveryFaultSchedule() {
    String replay = System.getProperty("syncline.sim.seed");
    long from = replay != null ? Long.parseLong(replay) : Long.getLong("syncline.sim.from", 1);
    int seeds = replay != null ? 1 : Integer.getInteger("syncline.sim.seeds", 2_000);
    Simulation.Stats total = new Simulation.Stats();
    long started = System.nanoTime();
    for (long seed = from; seed < from + seeds; seed++) {
      Simulation sim = new Simulation(seed, kindOf(seed));
      try {
        sim.run().check();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "simulation seed " + seed + " (" + sim.kind() + ") failed (" + sim.stats + "): " + e.getMessage()
                + "\nreplay with: mvn -pl shared-core test -Dtest=SimulationTest -Dsyncline.sim.seed=" + seed, e);
      }
      total.add(sim.stats);
      if (seeds >= 10_000 && (seed - from + 1) % 5_000 == 0) {
        System.out.printf("simulated %d of %d seeds in %.0f s%n", seed - from + 1, seeds, (System.nanoTime() - started) / 1e9);
      }
    }
    System.out.printf("simulated %d seeds (from %d) in %.1f s: %s%n", seeds, from, (System.nanoTime() - started) / 1e9, total);
    System.out.printf("bounds: largest outbox entry %d bytes (bound %d), largest stored record %d bytes (bound %d)%n",
        total.maxEntryBytes, Simulation.ENTRY_BOUND, total.maxRecordBytes, Simulation.RECORD_BOUND);
    System.out.printf("anti-entropy: %d rounds (%d bytes each comparing digests and keys), %d records repaired with %d bytes"
            + " of states each, at most %d rounds per replica after the outboxes settled (bound %d)%n",
        total.aeRounds, total.aeRounds == 0 ? 0 : (total.aeBytes - total.aeRepairBytes) / total.aeRounds, total.aeRepaired,
        total.aeRepaired == 0 ? 0 : total.aeRepairBytes / total.aeRepaired, total.aeRoundsAfterHeal, Simulation.AE_ROUNDS_BOUND);
    // The faults must really have happened, or the run proves nothing.
    assertThat(total.crashes).isPositive();
    assertThat(total.dropped).isPositive();
    assertThat(total.duplicatesDelivered).isPositive();
    assertThat(total.strayCopies).isPositive();
    assertThat(total.attacks).isPositive();
    if (seeds > 50) {
      assertThat(total.partitions).isPositive();
      assertThat(total.lostAcks).isPositive();
      assertThat(total.errors5xx).isPositive();
      assertThat(total.interleavings).isPositive();
      assertThat(total.refused).isPositive();
      assertThat(total.failoverDuplicates).isPositive();
      assertThat(total.viaIngress).isPositive();
      assertThat(total.hotWrites).isPositive();
      assertThat(total.deadLetters).isPositive();
      assertThat(total.lostEntries).isPositive();
      assertThat(total.refusedChanges).isPositive();
      assertThat(total.aeRepaired).isPositive();
    }
    if (seeds >= 50) {
      assertThat(total.joins).isPositive();
    }
  }
}
