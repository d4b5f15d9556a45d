package dev.syncline.core.fuzz;

import dev.syncline.core.SynclineException;
import java.util.function.Supplier;

/** What every codec fuzz target demands of bad input: a typed refusal, nothing else. */
final class Refusals {

  private Refusals() {}

  /**
   * Runs a parse: its value, or empty if it refused the input as {@code MALFORMED}. Anything else
   * thrown (another kind, an unchecked exception of any other type) is a finding.
   */
  static <T> java.util.Optional<T> parseOrRefuse(Supplier<T> parse) {
    try {
      return java.util.Optional.of(parse.get());
    } catch (SynclineException e) {
      if (e.kind() != SynclineException.Kind.MALFORMED) {
        throw new AssertionError("bad input must be refused as MALFORMED, was " + e.kind(), e);
      }
      return java.util.Optional.empty();
    }
  }
}
