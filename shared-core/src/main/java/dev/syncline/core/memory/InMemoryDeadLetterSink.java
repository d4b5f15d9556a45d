package dev.syncline.core.memory;

import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps dead letters in a list. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {

  private final List<DeadLetter> letters = new CopyOnWriteArrayList<>();

  @Override
  public void accept(DeadLetter deadLetter) {
    letters.add(deadLetter);
  }

  public List<DeadLetter> letters() {
    return List.copyOf(letters);
  }
}
