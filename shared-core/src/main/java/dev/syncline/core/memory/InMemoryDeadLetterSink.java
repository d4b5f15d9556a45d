package dev.syncline.core.memory;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.StoredDeadLetter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps dead letters in a list; ids count up from 1. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {

  private final List<StoredDeadLetter> letters = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final Clock clock;

  /** Stamps letters with the system clock. */
  public InMemoryDeadLetterSink() {
    this(Clock.system());
  }

  /** Stamps letters with {@code clock}. */
  public InMemoryDeadLetterSink(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void accept(DeadLetter deadLetter) {
    letters.add(new StoredDeadLetter("dl-" + ids.incrementAndGet(), clock.millis(), deadLetter));
  }

  @Override
  public List<StoredDeadLetter> list(int limit) {
    return letters.stream().limit(limit).toList();
  }

  @Override
  public Optional<StoredDeadLetter> get(String id) {
    return letters.stream().filter(l -> l.id().equals(id)).findFirst();
  }

  /** Every letter, in the order they came. */
  public List<DeadLetter> letters() {
    return letters.stream().map(StoredDeadLetter::letter).toList();
  }
}
