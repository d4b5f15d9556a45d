package dev.syncline.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LinkFaultsTest {

  private static LinkFaults parse(String json) {
    return LinkFaults.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parse_readsThePartition() {
    assertThat(parse("{\"down\":true}")).isEqualTo(LinkFaults.partitioned()).isEqualTo(LinkFaults.NONE.withDown(true));
  }

  @Test
  void parse_readsEveryProbabilityAndTheDelayRange() {
    LinkFaults f = parse("{\"drop\":0.1,\"duplicate\":0.2,\"reorder\":0.3,\"delayMs\":[0,200],\"error5xx\":0.05}");

    assertThat(f).isEqualTo(new LinkFaults(false, 0.1, 0.2, 0.3, 0.05, 0, 200));
  }

  @Test
  void parse_leavesOutFieldsAsNoFault_soAnEmptyObjectHeals() {
    assertThat(parse("{}")).isEqualTo(LinkFaults.NONE);
    assertThat(parse("{}").isNone()).isTrue();
    assertThat(parse("{\"drop\":1}")).isEqualTo(LinkFaults.NONE.withDrop(1));
  }

  @Test
  void parse_readsRefuseChanges_andWritesItBack() {
    LinkFaults f = parse("{\"refuseChanges\":true}");

    assertThat(f).isEqualTo(LinkFaults.NONE.withRefuseChanges(true));
    assertThat(f.isNone()).isFalse();
    assertThat(LinkFaults.fromJson(f.toJson())).isEqualTo(f);
  }

  @Test
  void parse_readsOneNumberAsAFixedDelay() {
    assertThat(parse("{\"delayMs\":50}")).isEqualTo(LinkFaults.NONE.withDelayMs(50, 50));
  }

  @Test
  void toJson_writesEveryField_andReadsBackEqual() {
    LinkFaults f = new LinkFaults(true, 0.1, 0.2, 0.3, 0.05, 10, 200);

    assertThat(f.toJson().toString())
        .isEqualTo("{\"down\":true,\"drop\":0.1,\"duplicate\":0.2,\"reorder\":0.3,\"delayMs\":[10,200],\"error5xx\":0.05,\"refuseChanges\":false}");
    assertThat(LinkFaults.fromJson(f.toJson())).isEqualTo(f);
    assertThat(LinkFaults.fromJson(LinkFaults.NONE.toJson())).isEqualTo(LinkFaults.NONE);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`{\"dorp\":0.1}`                | unknown field \"dorp\"",
      "`{\"drop\":1.5}`                | \"drop\" must be a probability in [0, 1], got 1.5",
      "`{\"duplicate\":-0.1}`          | \"duplicate\" must be a probability in [0, 1], got -0.1",
      "`{\"reorder\":\"0.1\"}`         | \"reorder\" must be a number in [0, 1], got \"0.1\"",
      "`{\"error5xx\":null}`           | \"error5xx\" must be a number in [0, 1], got null",
      "`{\"down\":\"yes\"}`            | \"down\" must be true or false, got \"yes\"",
      "`{\"refuseChanges\":1}`         | \"refuseChanges\" must be true or false, got 1",
      "`{\"delayMs\":[200,0]}`         | \"delayMs\" must be [min,max] with min <= max, got [200,0]",
      "`{\"delayMs\":[-1,5]}`          | \"delayMs\" must not be negative, got [-1,5]",
      "`{\"delayMs\":[0]}`             | \"delayMs\" must be [min,max] in whole milliseconds, got [0]",
      "`{\"delayMs\":[0,1.5]}`         | \"delayMs\" must hold whole milliseconds, got 1.5",
      "`{\"delayMs\":\"100\"}`         | \"delayMs\" must be [min,max] in whole milliseconds, got \"100\"",
      "`{\"delayMs\":[0,600000]}`      | \"delayMs\" must be at most 60000 ms",
      "`[0.1]`                         | link faults must be a JSON object",
      "`{\"drop\":0.1,\"drop\":0.2}`   | not JSON: Duplicate field 'drop'",
      "`{\"drop\":0.1} {}`             | not JSON",
      "`{drop:0.1}`                    | not JSON",
      "``                              | link faults must be a JSON object",
  })
  void parse_refusesBadBodies_sayingWhatIsWrong(String json, String message) {
    assertThatThrownBy(() -> parse(json == null ? "" : json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void constructor_refusesWhatParseRefuses() {
    assertThatThrownBy(() -> new LinkFaults(false, Double.NaN, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkFaults.NONE.withDelayMs(5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkFaults.NONE.withError5xx(1.01)).isInstanceOf(IllegalArgumentException.class);
  }
}
