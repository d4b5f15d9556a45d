package dev.syncline.core.fuzz;

import dev.syncline.core.SynclineException;
import java.util.function.Supplier;

/** What every codec fuzz target demands of bad input: a typed refusal, nothing else. */
final class Refusals {

  private Refusals() {}

  /**
   * Runs a parse: its value, or empty if it refused the input as {@code MALFORMED}, or as {@code
   * AHEAD} for a delta written in a newer format than this replica reads (the ingress answers 409
   * and the sender retries once this replica is upgraded). Anything else thrown (another kind, an
   * unchecked exception of any other type, {@code AHEAD} for anything but a newer format) is a
   * finding.
   */
  static <T> java.util.Optional<T> parseOrRefuse(Supplier<T> parse) {
    try {
      return java.util.Optional.of(parse.get());
    } catch (SynclineException e) {
      boolean newerFormat = e.kind() == SynclineException.Kind.AHEAD && String.valueOf(e.getMessage()).contains("this replica reads");
      if (e.kind() != SynclineException.Kind.MALFORMED && !newerFormat) {
        throw new AssertionError("bad input must be refused as MALFORMED (or AHEAD for a newer format), was " + e.kind(), e);
      }
      return java.util.Optional.empty();
    }
  }
}
