package dev.syncline.core.memory;

import dev.syncline.core.clock.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Clock} that moves only when told to, for tests, simulations and the demo. */
public final class ManualClock implements Clock {

  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }

  public void set(long epochMillis) {
    millis.set(epochMillis);
  }
}
