package dev.syncline.core.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {

  static CausalContext ranges(Object... replicaLoHi) {
    CausalContext.Builder b = CausalContext.builder();
    for (int i = 0; i < replicaLoHi.length; i += 3) {
      b.add((String) replicaLoHi[i], ((Number) replicaLoHi[i + 1]).longValue(), ((Number) replicaLoHi[i + 2]).longValue());
    }
    return b.build();
  }

  @Test
  void of_foldsContiguousDotsIntoRanges() {
    CausalContext c = CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 3), new Dot("a", 2), new Dot("b", 2)));

    assertThat(c).isEqualTo(ranges("a", 1, 3, "b", 2, 2));
    assertThat(c.rangeCount()).isEqualTo(2);
    assertThat(c.max("b")).isEqualTo(2);
    assertThat(c.nextDot("a")).isEqualTo(new Dot("a", 4));
    assertThat(c.contains(new Dot("b", 1))).isFalse();
  }

  @Test
  void aRunOfDotsNotStartingAtOne_staysOneRange() {
    // GIVEN the dots of a delta that superseded a run of writes: 1,000 consecutive counters
    CausalContext c = CausalContext.EMPTY;
    for (long n = 5_001; n <= 6_000; n++) {
      c = c.with(new Dot("a", n));
    }
    // THEN it is one range, not a thousand dots
    assertThat(c.rangeCount()).isEqualTo(1);
    assertThat(c).isEqualTo(ranges("a", 5_001, 6_000));
  }

  @Test
  void setOperations_onRanges() {
    CausalContext x = ranges("a", 1, 10, "b", 3, 4, "b", 8, 9);
    CausalContext y = ranges("a", 5, 20, "b", 4, 8);

    assertThat(x.merge(y)).isEqualTo(ranges("a", 1, 20, "b", 3, 9));
    assertThat(x.intersect(y)).isEqualTo(ranges("a", 5, 10, "b", 4, 4, "b", 8, 8));
    assertThat(x.minus(y)).isEqualTo(ranges("a", 1, 4, "b", 3, 3, "b", 9, 9));
    assertThat(y.minus(x)).isEqualTo(ranges("a", 11, 20, "b", 5, 7));
    assertThat(x.hull()).isEqualTo(ranges("a", 1, 10, "b", 3, 9));
    assertThat(x.minus(x)).isEqualTo(CausalContext.EMPTY);
  }

  @Test
  void halves_coverTheWholeContext_disjointly() {
    CausalContext x = ranges("a", 1, 100, "b", 7, 7);

    CausalContext[] h = x.halves().orElseThrow();

    assertThat(h[0].merge(h[1])).isEqualTo(x);
    assertThat(h[0].intersect(h[1])).isEqualTo(CausalContext.EMPTY);
    assertThat(h[0].isEmpty()).isFalse();
    assertThat(h[1].isEmpty()).isFalse();
    assertThat(ranges("a", 4, 4).halves()).isEmpty();
  }

  @Test
  void compare_classifiesHistories() {
    CausalContext a1 = CausalContext.of(Map.of("a", 1L), List.of());
    CausalContext a2 = CausalContext.of(Map.of("a", 2L), List.of());
    CausalContext b1 = CausalContext.of(Map.of("b", 1L), List.of());

    assertThat(a1.compare(a2)).isEqualTo(Causality.BEFORE);
    assertThat(a2.compare(a1)).isEqualTo(Causality.AFTER);
    assertThat(a1.compare(a1)).isEqualTo(Causality.EQUAL);
    assertThat(a1.compare(b1)).isEqualTo(Causality.CONCURRENT);
  }

  @Test
  void within_accountsForGaps() {
    CausalContext gappy = CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 3)));
    CausalContext full = CausalContext.of(Map.of("a", 3L), List.of());

    assertThat(gappy.within(full)).isTrue();
    assertThat(full.within(gappy)).isFalse();
    assertThat(full.within(CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 2), new Dot("a", 3))))).isTrue();
  }

  @Test
  void counters_areBounded_soNoNextDotOverflows() {
    assertThatThrownBy(() -> ranges("a", 1, Dot.MAX_COUNTER + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ranges("a", 0, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ranges("a", 1, Dot.MAX_COUNTER).nextDot("a"))
        .isInstanceOf(dev.syncline.core.SynclineException.class);
  }
}
