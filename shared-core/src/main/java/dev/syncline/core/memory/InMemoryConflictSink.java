package dev.syncline.core.memory;

import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.port.ConflictSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps conflict events in a list. */
public final class InMemoryConflictSink implements ConflictSink {

  private final List<Conflict> conflicts = new CopyOnWriteArrayList<>();

  @Override
  public void accept(Conflict conflict) {
    conflicts.add(conflict);
  }

  public List<Conflict> conflicts() {
    return List.copyOf(conflicts);
  }
}
