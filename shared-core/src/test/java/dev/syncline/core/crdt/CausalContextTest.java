package dev.syncline.core.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {

  @Test
  void of_compactsContiguousDotsIntoTheVector() {
    CausalContext c = CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 3), new Dot("a", 2), new Dot("b", 2)));

    assertThat(c.vector()).containsExactly(Map.entry("a", 3L));
    assertThat(c.cloud()).containsExactly(new Dot("b", 2));
    assertThat(c.max("b")).isEqualTo(2);
    assertThat(c.nextDot("a")).isEqualTo(new Dot("a", 4));
    assertThat(c.contains(new Dot("b", 1))).isFalse();
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
  void within_accountsForDotsInTheCloud() {
    CausalContext gappy = CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 3)));
    CausalContext full = CausalContext.of(Map.of("a", 3L), List.of());

    assertThat(gappy.within(full)).isTrue();
    assertThat(full.within(gappy)).isFalse();
    assertThat(CausalContext.of(Map.of("a", 3L), List.of()).within(CausalContext.of(Map.of("a", 1L), List.of(new Dot("a", 2), new Dot("a", 3))))).isTrue();
  }
}
