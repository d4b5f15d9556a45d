package dev.syncline.gcp.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.bigtable.data.v2.models.RowMutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.StoredDeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dead-letter sink against the Bigtable emulator: what is accepted is listed and got back whole. */
class BigtableDeadLetterSinkTest {

  private final BigtableEmulator emulator = BigtableEmulator.get();
  private final String table = BigtableEmulator.uniqueTable("dead");
  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final BigtableDeadLetterSink sink;

  BigtableDeadLetterSinkTest() {
    BigtableDeadLetterSink.createTable(emulator.admin, table);
    sink = new BigtableDeadLetterSink(emulator.data, table, time::get);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listsAndGetsEveryLetter_withItsPeer_kind_timeAndBytes() {
    DeadLetter change = new DeadLetter(DeadLetter.Kind.CHANGE, "user/42", "user/42@7", "older than PT168H",
        bytes("{\"specversion\":\"1.0\"}"), "aws-us-east-1");
    DeadLetter intent = new DeadLetter(DeadLetter.Kind.INTENT, null, null, "not a CloudEvent", new byte[] {0, (byte) 0xFF, 10});
    sink.accept(change);
    time.addAndGet(1_000);
    sink.accept(intent);

    List<StoredDeadLetter> all = sink.list(10);

    assertThat(all).hasSize(2);
    StoredDeadLetter storedChange = all.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.CHANGE).findFirst().orElseThrow();
    StoredDeadLetter storedIntent = all.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.INTENT).findFirst().orElseThrow();
    assertThat(storedChange.atMillis()).isEqualTo(1_764_158_400_000L);
    assertThat(storedIntent.atMillis()).isEqualTo(1_764_158_401_000L);
    assertSame(storedChange.letter(), change);
    assertSame(storedIntent.letter(), intent);
    assertThat(storedIntent.letter().peer()).isNull();
    assertThat(storedChange.id()).isNotEqualTo(storedIntent.id());

    StoredDeadLetter got = sink.get(storedChange.id()).orElseThrow();
    assertThat(got.id()).isEqualTo(storedChange.id());
    assertThat(got.atMillis()).isEqualTo(storedChange.atMillis());
    assertSame(got.letter(), change);
    assertThat(sink.get(storedIntent.id()).orElseThrow().letter().payload()).containsExactly(0, 0xFF, 10);
  }

  private static void assertSame(DeadLetter actual, DeadLetter expected) {
    // a record's byte[] component compares by identity, so compare the parts
    assertThat(actual.kind()).isEqualTo(expected.kind());
    assertThat(actual.subject()).isEqualTo(expected.subject());
    assertThat(actual.eventId()).isEqualTo(expected.eventId());
    assertThat(actual.reason()).isEqualTo(expected.reason());
    assertThat(actual.peer()).isEqualTo(expected.peer());
    assertThat(actual.payload()).isEqualTo(expected.payload());
  }

  @Test
  void listStopsAtItsLimit() {
    for (int i = 0; i < 5; i++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.INTENT, "user/" + i, "e" + i, "refused", bytes("x")));
    }

    assertThat(sink.list(3)).hasSize(3);
    assertThat(sink.list(1_000)).hasSize(5);
  }

  @Test
  void getFindsNothing_forAnUnknownId_orOneThatIsNoIdOfThisSink() {
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
