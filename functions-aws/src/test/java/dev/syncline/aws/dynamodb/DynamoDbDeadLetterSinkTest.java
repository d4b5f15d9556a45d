package dev.syncline.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.contract.DeadLetterSinkContract;
import dev.syncline.core.port.DeadLetter;
import org.junit.jupiter.api.Test;

/** The dead-letter table on dynalite: the contract, and a listing past a Scan's 1 MB page. */
class DynamoDbDeadLetterSinkTest extends DeadLetterSinkContract {

  private final Dynalite dynalite = Dynalite.get();

  @Override
  protected DynamoDbDeadLetterSink newSink(Clock clock) {
    String table = Dynalite.uniqueTable("dead-letters");
    DynamoDbDeadLetterSink.createTable(dynalite.client, table);
    return new DynamoDbDeadLetterSink(dynalite.client, table, clock);
  }

  @Test
  void list_followsTheScanPastItsOneMegabytePages() {
    // GIVEN more dead letters than one Scan page holds (1 MB), each a change of nearly 256 KiB
    DynamoDbDeadLetterSink sink = newSink(time::get);
    byte[] payload = new byte[250 * 1024];
    for (int n = 0; n < 6; n++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.CHANGE, "user/" + n, "user/" + n + "@1", "refused", payload, "peer"));
    }

    // WHEN they are listed THEN the list goes on to the next page
    assertThat(sink.list(1_000)).hasSize(6).allSatisfy(l -> assertThat(l.letter().payload()).hasSize(payload.length));
    assertThat(sink.list(5)).hasSize(5);
  }
}
