package dev.syncline.core.port;

import dev.syncline.core.crdt.Conflict;

/**
 * Port: receives every conflict the replica observes, as the payload of a {@code
 * dev.syncline.record.conflict.v1} event. Called after the write that exposed the conflict is
 * durable; must not throw for delivery problems (log and drop: the conflict stays visible in the
 * record's view until superseded).
 */
public interface ConflictSink {
  void accept(Conflict conflict);

  ConflictSink NONE = conflict -> {};
}
