package dev.syncline.e2e.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

  @Test
  void parse_readsEveryKindOfValue() {
    Object json = MiniJson.parse(" {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\\"\\u00e9\\n\", \"o\": {}} ");

    assertThat(json).isEqualTo(Map.of(
        "a", java.util.Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e1"), true, false, null),
        "s", "x\"\u00e9\n",
        "o", Map.of()));
  }

  @Test
  void parse_refusesMalformedText_withTheOffset() {
    for (String bad : List.of("", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "\"\\q\"", "01", "tru", "{'a':1}")) {
      assertThatThrownBy(() -> MiniJson.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed JSON at offset");
    }
  }

  @Test
  void elements_returnsTheSourceTextOfEachArrayElement_orTheOneObject() {
    assertThat(MiniJson.elements(" [ {\"a\": [1, {\"b\": \"]\"}]} ,{} ] ")).containsExactly("{\"a\": [1, {\"b\": \"]\"}]}", "{}");
    assertThat(MiniJson.elements("{\"id\": 1}\n")).containsExactly("{\"id\": 1}");
    assertThat(MiniJson.elements("[]")).isEmpty();
    assertThatThrownBy(() -> MiniJson.elements("\"text\"")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MiniJson.elements("[{}, {]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quote_escapesWhatJsonRequires() {
    String s = "a\"b\\c\n\u0001é";

    assertThat(MiniJson.parse(MiniJson.quote(s))).isEqualTo(s);
    assertThat(MiniJson.quote(s)).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é\"");
  }
}
