package dev.syncline.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.port.StoredRecord;
import java.util.Optional;

/**
 * The stored-record codec on arbitrary bytes (a corrupted or hand-edited item): a record or a
 * MALFORMED refusal. What it accepts round-trips byte for byte.
 */
class StoredRecordCodecFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void decode(byte[] input) {
    Optional<StoredRecord> record = Refusals.parseOrRefuse(() -> StoredRecordCodec.decode(input));
    record.ifPresent(r -> {
      byte[] encoded = StoredRecordCodec.encode(r);
      StoredRecord again = StoredRecordCodec.decode(encoded);
      assertThat(again).isEqualTo(r);
      assertThat(StoredRecordCodec.encode(again)).isEqualTo(encoded);
    });
  }
}
