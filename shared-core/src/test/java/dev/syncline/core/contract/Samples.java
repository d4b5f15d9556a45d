package dev.syncline.core.contract;

import dev.syncline.core.RecordKey;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.port.AppliedIntents;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.StoredRecord;
import java.util.List;
import java.util.TreeMap;

/** Canonical sample records and events shared by the core's tests and every adapter's tests. */
public final class Samples {

  private Samples() {}

  public static final RecordKey USER_42 = new RecordKey("user", "42");

  /** A record written at {@code replica} with a register, a counter and a set. */
  public static RecordState userState(String replica, String email, long wall) {
    return RecordState.EMPTY
        .apply(
            "user",
            List.of(
                new Op.Set("email", JsonValue.ofString(email)),
                new Op.Incr("logins", 1),
                new Op.Add("tags", JsonValue.ofString("beta"))),
            replica,
            new Hlc(wall, 0),
            Schemas.inferred())
        .state();
  }

  /** A stored record with state, one outbox entry per peer and one applied intent. */
  public static StoredRecord storedRecord(String replica, String email, List<String> peers) {
    RecordState state = userState(replica, email, 1_764_158_400_000L);
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>();
    for (String peer : peers) {
      outbox.put(peer, OutboxEntry.first(peer, state.context(), "k3y-of-an-intent-00000", "user/42@1", 1_764_158_400_000L, null));
    }
    TreeMap<String, Long> applied = new TreeMap<>();
    applied.put("k3y-of-an-intent-00000", 1_764_158_400_000L);
    return new StoredRecord(state, outbox, AppliedIntents.of(applied));
  }

  /** A structured-mode write intent, as an application publishes it. */
  public static byte[] intentJson(String source, String id, String subject, String opsJson) {
    return ("{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\""
            + source + "\",\"id\":\"" + id + "\",\"subject\":\"" + subject
            + "\",\"datacontenttype\":\"application/json\",\"data\":{\"ops\":" + opsJson + "}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
