package dev.syncline.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.DeltaCodec;
import java.util.Optional;

/**
 * The delta codec on arbitrary bytes: a delta or a MALFORMED refusal. What it accepts encodes
 * deterministically, round-trips, and joins as a join must (idempotent, commutative with the
 * empty state).
 */
class DeltaCodecFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void decode(byte[] input) {
    Optional<DeltaCodec.Change> change = Refusals.parseOrRefuse(() -> DeltaCodec.decodeChange(input));
    change.ifPresent(c -> {
      RecordState delta = c.delta();
      byte[] encoded = DeltaCodec.encode(delta, c.intents());
      DeltaCodec.Change again = DeltaCodec.decodeChange(encoded);
      assertThat(again.delta()).isEqualTo(delta);
      assertThat(again.intents()).isEqualTo(c.intents());
      assertThat(DeltaCodec.encode(again.delta(), again.intents())).isEqualTo(encoded);
      assertThat(delta.join(delta)).isEqualTo(delta);
      assertThat(RecordState.EMPTY.join(delta)).isEqualTo(delta.join(RecordState.EMPTY));
      assertThat(delta.restrict(delta.context())).isEqualTo(delta);
    });
  }
}
