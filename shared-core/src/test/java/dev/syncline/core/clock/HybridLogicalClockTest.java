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
  void observe_reportsSkew_onlyBeyondTheAllowance_andLaterStampsExceedWhatItSawWithinIt() {
    assertThat(hlc.observe(new Hlc(1_000 + 300_000, 0))).isFalse();
    assertThat(hlc.observe(new Hlc(1_000 + 300_001, 0))).isTrue();
    // the stamp within the allowance moved the clock; the one beyond it did not
    assertThat(hlc.stampAbove(Hlc.ZERO)).isEqualTo(new Hlc(301_000, 1));
    // ... but a record holding it still gets a stamp above it
    assertThat(hlc.stampAbove(new Hlc(301_001, 0))).isEqualTo(new Hlc(301_001, 1));
  }

  @Test
  void aStampAtTheEndOfTime_neitherOverflowsNorPoisonsTheClock() {
    // GIVEN a peer's stamp at the last instant a stamp can name, its logical part exhausted
    Hlc endOfTime = new Hlc(Hlc.MAX_WALL - 1, Integer.MAX_VALUE);
    assertThat(hlc.observe(endOfTime)).isTrue();
    // WHEN this process stamps a write to that record, and one to any other record
    Hlc onThatRecord = hlc.stampAbove(endOfTime);
    Hlc elsewhere = hlc.stampAbove(Hlc.ZERO);
    // THEN the first is above it without overflowing, and the second is still near real time
    assertThat(onThatRecord).isEqualTo(new Hlc(Hlc.MAX_WALL, 0));
    assertThat(elsewhere.wall()).isEqualTo(1_000);
  }
}
