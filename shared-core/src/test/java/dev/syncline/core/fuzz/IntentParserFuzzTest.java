package dev.syncline.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.WriteIntent;
import java.util.Optional;

/**
 * The intent parser on arbitrary bytes: a valid write intent or a MALFORMED refusal, never
 * another exception; what it accepts is well formed. Regression inputs: {@code
 * src/test/resources/dev/syncline/core/fuzz/IntentParserFuzzTestInputs/parse}; fuzz with the
 * command in shared-core/README.md.
 */
class IntentParserFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void parse(byte[] input) {
    Optional<WriteIntent> intent = Refusals.parseOrRefuse(() -> IntentParser.parseStructured(input));
    intent.ifPresent(i -> {
      assertThat(i.ops()).isNotEmpty().hasSizeLessThanOrEqualTo(IntentParser.MAX_OPS);
      assertThat(i.dedupeKey()).hasSize(22);
    });
  }
}
