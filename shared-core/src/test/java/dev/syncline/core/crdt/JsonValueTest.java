package dev.syncline.core.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonValueTest {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "quote \" and \\ backslash", "tab\tnew\nline\u0001", "é ü 中文", "emoji \uD83D\uDE00", "</script>", ""})
  void ofString_writesTheSameTextAsJacksonsSerializer(String s) throws Exception {
    String expected = new ObjectMapper().writeValueAsString(JsonNodeFactory.instance.textNode(s));

    assertThat(JsonValue.ofString(s).json()).isEqualTo(expected);
  }

  @Test
  void of_sortsObjectKeysAndKeepsDecimalsExact() throws Exception {
    var node = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree("{\"b\":[1e400,0.10000000000000000555],\"a\":{\"d\":true,\"c\":null}}");

    assertThat(JsonValue.of(node).json()).isEqualTo("{\"a\":{\"c\":null,\"d\":true},\"b\":[1E+400,0.10000000000000000555]}");
  }

  @Test
  void of_rejectsUnpairedSurrogatesInValuesAndKeys() {
    assertThatThrownBy(() -> JsonValue.ofString("x\uD800")).hasMessageContaining("unpaired surrogate");
    var obj = JsonNodeFactory.instance.objectNode();
    obj.put("\uDC00", 1);
    assertThatThrownBy(() -> JsonValue.of(obj)).hasMessageContaining("unpaired surrogate");
  }
}
