package dev.syncline.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.StoredDeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The dead-letter table on dynalite: what is accepted is listed and read back whole. */
class DynamoDbDeadLetterSinkTest {

  private static final long NOW = 1_764_158_400_000L;

  private final Dynalite dynalite = Dynalite.get();
  private final AtomicLong time = new AtomicLong(NOW);

  private DynamoDbDeadLetterSink newSink() {
    String table = Dynalite.uniqueTable("dead-letters");
    DynamoDbDeadLetterSink.createTable(dynalite.client, table);
    return new DynamoDbDeadLetterSink(dynalite.client, table, time::get);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void get_readsBackEveryField_ofAChangeWithItsPeer_andOfAnIntentWithoutOne() {
    DynamoDbDeadLetterSink sink = newSink();
    DeadLetter change = new DeadLetter(DeadLetter.Kind.CHANGE, "user/42", "user/42@7", "older than 7 days",
        bytes("{\"specversion\":\"1.0\"}"), "gcp-us-east4");
    DeadLetter intent = new DeadLetter(DeadLetter.Kind.INTENT, null, null, "malformed: not JSON", new byte[] {0, (byte) 0xFF});

    sink.accept(change);
    time.addAndGet(1_000);
    sink.accept(intent);

    List<StoredDeadLetter> listed = sink.list(10);
    assertThat(listed).hasSize(2);
    StoredDeadLetter c = listed.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.CHANGE).findFirst().orElseThrow();
    StoredDeadLetter i = listed.stream().filter(l -> l.letter().kind() == DeadLetter.Kind.INTENT).findFirst().orElseThrow();
    assertThat(sink.get(c.id())).hasValueSatisfying(got -> {
      assertThat(got.id()).isEqualTo(c.id());
      assertThat(got.atMillis()).isEqualTo(NOW);
      assertThat(got.letter().subject()).isEqualTo("user/42");
      assertThat(got.letter().eventId()).isEqualTo("user/42@7");
      assertThat(got.letter().reason()).isEqualTo("older than 7 days");
      assertThat(got.letter().payload()).isEqualTo(change.payload());
      assertThat(got.letter().peer()).isEqualTo("gcp-us-east4");
    });
    assertThat(sink.get(i.id())).hasValueSatisfying(got -> {
      assertThat(got.atMillis()).isEqualTo(NOW + 1_000);
      assertThat(got.letter().subject()).isNull();
      assertThat(got.letter().eventId()).isNull();
      assertThat(got.letter().peer()).isNull();
      assertThat(got.letter().payload()).containsExactly(0, 0xFF);
    });
  }

  @Test
  void get_isEmpty_forAnIdNeverGiven() {
    assertThat(newSink().get("no-such-letter")).isEmpty();
  }

  @Test
  void list_isEmpty_onAnEmptyTable() {
    assertThat(newSink().list(1_000)).isEmpty();
  }

  @Test
  void list_pagesThroughTheTable_untilTheLimit_orTheEnd() {
    DynamoDbDeadLetterSink sink = newSink();
    for (int n = 0; n < 7; n++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.CHANGE, "user/" + n, "user/" + n + "@1", "refused", bytes("{}"), "peer-" + n));
    }

    List<StoredDeadLetter> three = sink.list(3);
    List<StoredDeadLetter> all = sink.list(1_000);

    assertThat(three).hasSize(3);
    assertThat(all).hasSize(7);
    Set<String> ids = all.stream().map(StoredDeadLetter::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(7).containsAll(three.stream().map(StoredDeadLetter::id).toList());
    assertThat(all).extracting(l -> l.letter().subject() + " " + l.letter().peer())
        .containsExactlyInAnyOrder("user/0 peer-0", "user/1 peer-1", "user/2 peer-2", "user/3 peer-3",
            "user/4 peer-4", "user/5 peer-5", "user/6 peer-6");
  }

  @Test
  void list_followsTheScanPastItsOneMegabytePages() {
    // GIVEN more dead letters than one Scan page holds (1 MB), each a change of nearly 256 KiB
    DynamoDbDeadLetterSink sink = newSink();
    byte[] payload = new byte[250 * 1024];
    for (int n = 0; n < 6; n++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.CHANGE, "user/" + n, "user/" + n + "@1", "refused", payload, "peer"));
    }

    // WHEN they are listed THEN the list goes on to the next page
    assertThat(sink.list(1_000)).hasSize(6).allSatisfy(l -> assertThat(l.letter().payload()).hasSize(payload.length));
    assertThat(sink.list(5)).hasSize(5);
  }
}
