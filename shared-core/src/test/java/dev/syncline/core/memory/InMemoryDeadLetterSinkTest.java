package dev.syncline.core.memory;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.contract.DeadLetterSinkContract;
import dev.syncline.core.port.DeadLetterSink;

class InMemoryDeadLetterSinkTest extends DeadLetterSinkContract {
  @Override
  protected DeadLetterSink newSink(Clock clock) {
    return new InMemoryDeadLetterSink(clock);
  }
}
