package dev.syncline.core.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.clock.Hlc;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CounterTest {

  private static final String GCP = "gcp-us-east4";
  private static final String AZURE = "azure-eastus";
  private static final Hlc AT = new Hlc(1_764_158_400_000L, 0);

  private static Counter.Contribution at(long counter, long sum) {
    return new Counter.Contribution(counter, BigInteger.valueOf(sum), AT);
  }

  @Test
  void value_countsNothingOfAReplica_whoseHeldContributionIsOlderThanTheResetWatermark() {
    // GIVEN Azure holds its own 100 and GCP's running sum 7 as of GCP's 3rd write
    Counter atAzure = new Counter(new TreeMap<>(Map.of(GCP, at(3, 7), AZURE, at(5, 100))), new TreeMap<>());
    // WHEN a change brings a reset that had seen GCP's sum 10 as of its 4th write, but not that write itself
    // (AWS reset after seeing gcp:4, then received gcp:9; what it owes Azure names the reset, not gcp:9)
    Counter resetOnly = new Counter(new TreeMap<>(), new TreeMap<>(Map.of(GCP, at(4, 10))));
    Counter joined = atAzure.join(resetOnly, CausalContext.EMPTY, CausalContext.EMPTY);
    // THEN GCP's part is all reset: the value is Azure's 100, not 100 + 7 - 10 (a value no replica showed)
    assertThat(joined.value()).isEqualTo(BigInteger.valueOf(100));
    // AND once GCP's newer contribution arrives, its increments after the reset count again
    Counter later = joined.join(new Counter(new TreeMap<>(Map.of(GCP, at(9, 17))), new TreeMap<>()),
        CausalContext.EMPTY, CausalContext.EMPTY);
    assertThat(later.value()).isEqualTo(BigInteger.valueOf(107));
  }
}
