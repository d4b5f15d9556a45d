package dev.syncline.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

  private final AtomicLong wall = new AtomicLong(1_000);
  private final HybridLogicalClock hlc = new HybridLogicalClock(wall::get, 300_000);

  @Test
  void stampAbove_followsWallTime_andCountsWithinOneMillisecond() {
    Hlc a = hlc.stampAbove(Hlc.ZERO);
    Hlc b = hlc.stampAbove(Hlc.ZERO);
    wall.set(2_000);
    Hlc c = hlc.stampAbove(Hlc.ZERO);

    assertThat(a).isEqualTo(new Hlc(1_000, 0));
    assertThat(b).isEqualTo(new Hlc(1_000, 1));
    assertThat(c).isEqualTo(new Hlc(2_000, 0));
  }

  @Test
  void stampAbove_exceedsTheRecordsHighestStamp_evenWhenItIsAhead() {
    Hlc floor = new Hlc(9_000, 4);

    assertThat(hlc.stampAbove(floor)).isEqualTo(new Hlc(9_000, 5));
  }

  @Test
  void stampAbove_movesThePhysicalPartOn_whenTheLogicalCounterIsExhausted() {
    Hlc floor = new Hlc(9_000, Integer.MAX_VALUE);

    Hlc next = hlc.stampAbove(floor);

    assertThat(next).isEqualTo(new Hlc(9_001, 0));
    assertThat(next).isGreaterThan(floor);
  }

  @Test
  void observe_reportsSkew_onlyBeyondTheAllowance_andLaterStampsExceedWhatItSaw() {
    assertThat(hlc.observe(new Hlc(1_000 + 300_000, 0))).isFalse();
    assertThat(hlc.observe(new Hlc(1_000 + 300_001, 0))).isTrue();
    assertThat(hlc.stampAbove(Hlc.ZERO)).isEqualTo(new Hlc(301_001, 1));
  }
}
