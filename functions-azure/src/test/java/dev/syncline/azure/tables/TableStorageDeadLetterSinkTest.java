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
import dev.syncline.core.clock.Clock;
import dev.syncline.core.contract.DeadLetterSinkContract;
import org.junit.jupiter.api.Test;

/** The dead-letter table on Azurite: the contract, ids, large payloads and a missing table. */
class TableStorageDeadLetterSinkTest extends DeadLetterSinkContract {

  private final TableStorageDeadLetterSink sink = newSink(time::get);

  @Override
  protected TableStorageDeadLetterSink newSink(Clock clock) {
    return new TableStorageDeadLetterSink(Azurite.get().freshTable("dead"), clock);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
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
