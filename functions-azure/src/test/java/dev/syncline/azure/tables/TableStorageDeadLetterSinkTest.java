package dev.syncline.azure.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableClient;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.StoredDeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dead-letter table on Azurite: what is kept, listed and read back by id. */
class TableStorageDeadLetterSinkTest {

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final TableClient table = Azurite.get().freshTable("dead");
  private final TableStorageDeadLetterSink sink = new TableStorageDeadLetterSink(table, time::get);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void list_andGet_giveBackEveryField_withThePeerOfAChange() {
    DeadLetter change = new DeadLetter(DeadLetter.Kind.CHANGE, "user/42", "user/42@7", "older than 7 days",
        bytes("{\"specversion\":\"1.0\"}"), "gcp-us-east4");
    DeadLetter intent = new DeadLetter(DeadLetter.Kind.INTENT, null, null, "not a CloudEvent", bytes("garbage"));
    sink.accept(change);
    time.addAndGet(1_000);
    sink.accept(intent);

    List<StoredDeadLetter> listed = sink.list(10);

    assertThat(listed).hasSize(2);
    StoredDeadLetter c = listed.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.CHANGE).findFirst().orElseThrow();
    StoredDeadLetter i = listed.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.INTENT).findFirst().orElseThrow();
    assertThat(c.atMillis()).isEqualTo(1_764_158_400_000L);
    assertThat(c.letter()).usingRecursiveComparison().isEqualTo(change);
    assertThat(i.atMillis()).isEqualTo(1_764_158_401_000L);
    assertThat(i.letter()).usingRecursiveComparison().isEqualTo(intent);
    assertThat(i.letter().peer()).isNull();
    assertThat(c.id()).isNotEqualTo(i.id());

    assertThat(sink.get(c.id())).hasValueSatisfying(l -> {
      assertThat(l.id()).isEqualTo(c.id());
      assertThat(l.atMillis()).isEqualTo(c.atMillis());
      assertThat(l.letter()).usingRecursiveComparison().isEqualTo(change);
    });
    assertThat(sink.get(i.id())).hasValueSatisfying(l -> assertThat(l.letter()).usingRecursiveComparison().isEqualTo(intent));
  }

  @Test
  void list_keepsToItsLimit() {
    for (int n = 0; n < 5; n++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.INTENT, "user/" + n, "e" + n, "refused", bytes("{}")));
    }

    assertThat(sink.list(3)).hasSize(3);
    assertThat(sink.list(100)).hasSize(5).extracting(StoredDeadLetter::id).doesNotHaveDuplicates();
  }

  @Test
  void get_ofAnIdItNeverGaveOut_isEmpty() {
    sink.accept(new DeadLetter(DeadLetter.Kind.INTENT, "user/1", "e1", "refused", bytes("{}")));
    String id = sink.list(1).get(0).id();

    assertThat(sink.get(id.replaceFirst("^INTENT:", "CHANGE:"))).isEmpty();
    assertThat(sink.get("INTENT:00000000-0000-0000-0000-000000000000")).isEmpty();
    assertThat(sink.get("dl-1")).isEmpty();
    assertThat(sink.get("INTENT:a/b'c")).isEmpty();
    assertThat(sink.get("")).isEmpty();
  }

  @Test
  void aPayloadOver64KiB_isKeptWhole() {
    byte[] large = new byte[200_000];
    java.util.Arrays.fill(large, (byte) 'x');
    sink.accept(new DeadLetter(DeadLetter.Kind.CHANGE, "user/9", "user/9@1", "refused", large, "aws-us-east-1"));

    StoredDeadLetter listed = sink.list(1).get(0);

    assertThat(listed.letter().payload()).isEqualTo(large);
    assertThat(sink.get(listed.id()).orElseThrow().letter().payload()).isEqualTo(large);
  }

  @Test
  void aMissingTable_isAConfigurationError_forGet() {
    TableStorageDeadLetterSink missing =
        new TableStorageDeadLetterSink(Azurite.get().service.getTableClient("nosuchdead" + System.nanoTime()), time::get);

    assertThatThrownBy(() -> missing.get("INTENT:00000000-0000-0000-0000-000000000000"))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONFIGURATION));
  }
}
