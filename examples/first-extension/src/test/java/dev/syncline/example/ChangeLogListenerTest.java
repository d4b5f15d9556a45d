package dev.syncline.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Causality;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordView;
import dev.syncline.core.extension.RecordChange;
import dev.syncline.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChangeLogListenerTest {

  private static final RecordKey KEY = new RecordKey("product", "p-1");

  @Test
  void onChange_writesOneJsonLineNamingTheRecordFieldsAndOrigin_withoutTheValues() {
    // GIVEN a listener writing to a list
    List<String> lines = new ArrayList<>();
    ChangeLogListener listener = new ChangeLogListener(lines::add);
    RecordView before = view(new TreeMap<>());
    TreeMap<String, JsonValue> fields = new TreeMap<>();
    fields.put("price", JsonValue.ofString("secret-ish 12.50"));
    fields.put("name", JsonValue.ofString("Mug"));

    // WHEN a change from a peer reaches it
    listener.onChange(RecordChange.between(before, view(fields), "gcp-us-east4", Causality.CONCURRENT));

    // THEN it wrote one line of JSON with the record, the changed fields (sorted) and the origin
    assertThat(lines).hasSize(1);
    var line = Json.parse(lines.get(0), "listener line");
    assertThat(line.path("subject").asText()).isEqualTo("product/p-1");
    assertThat(line.path("fields").toString()).isEqualTo("[\"name\",\"price\"]");
    assertThat(line.path("origin").asText()).isEqualTo("gcp-us-east4");
    assertThat(lines.get(0)).doesNotContain("Mug").doesNotContain("12.50");
  }

  private static RecordView view(TreeMap<String, JsonValue> fields) {
    return new RecordView(KEY, !fields.isEmpty(), fields, new TreeMap<>(), new TreeMap<>());
  }
}
