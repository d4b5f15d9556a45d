package dev.syncline.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.StoredDeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DeadLetterSink} must show: what it accepts it lists and gives back
 * whole by id, with the time it was accepted; a listing keeps to its limit. Each adapter's test
 * extends this class and returns a fresh, empty sink from {@link #newSink}, backed by its emulator.
 */
public abstract class DeadLetterSinkContract {

  protected static final long NOW = 1_764_158_400_000L;

  protected final AtomicLong time = new AtomicLong(NOW);

  /** An empty sink that stamps letters with {@code clock}. */
  protected abstract DeadLetterSink newSink(Clock clock);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSameLetter(DeadLetter actual, DeadLetter expected) {
    assertThat(actual.kind()).isEqualTo(expected.kind());
    assertThat(actual.subject()).isEqualTo(expected.subject());
    assertThat(actual.eventId()).isEqualTo(expected.eventId());
    assertThat(actual.reason()).isEqualTo(expected.reason());
    assertThat(actual.payload()).isEqualTo(expected.payload());
    assertThat(actual.peer()).isEqualTo(expected.peer());
  }

  @Test
  void listAndGet_giveBackEveryField_withTheTime_andThePeerOfAChange() {
    DeadLetterSink sink = newSink(time::get);
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
    assertThat(c.id()).isNotEqualTo(i.id());
    assertThat(c.atMillis()).isEqualTo(NOW);
    assertThat(i.atMillis()).isEqualTo(NOW + 1_000);
    assertSameLetter(c.letter(), change);
    assertSameLetter(i.letter(), intent);
    assertThat(sink.get(c.id())).hasValueSatisfying(got -> {
      assertThat(got.id()).isEqualTo(c.id());
      assertThat(got.atMillis()).isEqualTo(NOW);
      assertSameLetter(got.letter(), change);
    });
    assertThat(sink.get(i.id())).hasValueSatisfying(got -> assertSameLetter(got.letter(), intent));
  }

  @Test
  void get_isEmpty_forAnIdItNeverGaveOut() {
    DeadLetterSink sink = newSink(time::get);
    sink.accept(new DeadLetter(DeadLetter.Kind.INTENT, null, null, "x", bytes("x")));

    assertThat(sink.get("no-such-letter")).isEmpty();
    assertThat(sink.get("")).isEmpty();
  }

  @Test
  void list_isEmpty_whenNothingWasAccepted() {
    assertThat(newSink(time::get).list(100)).isEmpty();
  }

  @Test
  void list_keepsToItsLimit_andListsEveryLetterOnceWithin() {
    DeadLetterSink sink = newSink(time::get);
    for (int n = 0; n < 7; n++) {
      sink.accept(new DeadLetter(DeadLetter.Kind.CHANGE, "user/" + n, "user/" + n + "@1", "refused", bytes("{}"), "peer-" + n));
    }

    List<StoredDeadLetter> three = sink.list(3);
    List<StoredDeadLetter> all = sink.list(100);

    assertThat(three).hasSize(3);
    assertThat(all).hasSize(7);
    Set<String> ids = all.stream().map(StoredDeadLetter::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(7).containsAll(three.stream().map(StoredDeadLetter::id).toList());
    assertThat(all).extracting(l -> l.letter().subject() + " " + l.letter().peer())
        .containsExactlyInAnyOrder("user/0 peer-0", "user/1 peer-1", "user/2 peer-2", "user/3 peer-3",
            "user/4 peer-4", "user/5 peer-5", "user/6 peer-6");
  }
}
