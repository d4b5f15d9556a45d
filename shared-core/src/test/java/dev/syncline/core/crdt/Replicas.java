package dev.syncline.core.crdt;

import dev.syncline.core.RecordKey;
import dev.syncline.core.clock.Hlc;
import java.util.List;

/** Test helper: applies ops to a record state as one replica, with explicit stamps. */
final class Replicas {

  static final RecordKey KEY = new RecordKey("user", "42");

  private Replicas() {}

  static RecordState.Mutation write(RecordState state, String replica, long wall, Op... ops) {
    return state.apply("user", List.of(ops), replica, new Hlc(wall, 0), Schemas.inferred());
  }

  static JsonValue str(String s) {
    return JsonValue.ofString(s);
  }

  static String viewJson(RecordState state) {
    return new String(dev.syncline.core.event.ViewCodec.encode(state.view(KEY)), java.nio.charset.StandardCharsets.UTF_8);
  }
}
