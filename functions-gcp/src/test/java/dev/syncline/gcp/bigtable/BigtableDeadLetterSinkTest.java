package dev.syncline.gcp.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.StoredDeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.contract.DeadLetterSinkContract;
import org.junit.jupiter.api.Test;

/** The dead-letter sink against the Bigtable emulator: the contract, and ids that are none of its own. */
class BigtableDeadLetterSinkTest extends DeadLetterSinkContract {

  private final BigtableEmulator emulator = BigtableEmulator.get();
  private String table;

  @Override
  protected BigtableDeadLetterSink newSink(Clock clock) {
    table = BigtableEmulator.uniqueTable("dead");
    BigtableDeadLetterSink.createTable(emulator.admin, table);
    return new BigtableDeadLetterSink(emulator.data, table, clock);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void getFindsNothing_forAnUnknownId_orOneThatIsNoIdOfThisSink() {
    BigtableDeadLetterSink sink = newSink(time::get);
    sink.accept(new DeadLetter(DeadLetter.Kind.INTENT, "user/1", "e1", "refused", bytes("x")));
    // a row this sink did not write, under a key shaped like no id of it
    emulator.data.mutateRow(RowMutation.create(TableId.of(table), "junk").setCell(BigtableDeadLetterSink.FAMILY, "reason", "r"));

    assertThat(sink.get("INTENT#00000000-0000-0000-0000-000000000000")).isEmpty();
    assertThat(sink.get("junk")).isEmpty();
    assertThat(sink.get("")).isEmpty();
    assertThat(sink.get(null)).isEmpty();
    assertThat(sink.list(10)).hasSize(1);
  }
}
