package dev.syncline.core.crdt;

/**
 * How two causal histories relate. {@code a.compare(b)} is {@link Before} when everything
 * {@code a} has seen {@code b} has also seen and more; {@link Concurrent} when each has seen
 * something the other has not.
 */
public sealed interface Causality {

  Causality BEFORE = new Before();
  Causality AFTER = new After();
  Causality EQUAL = new Equal();
  Causality CONCURRENT = new Concurrent();

  /** The left history is strictly contained in the right one. */
  record Before() implements Causality {}

  /** The left history strictly contains the right one. */
  record After() implements Causality {}

  /** Both histories hold exactly the same events. */
  record Equal() implements Causality {}

  /** Each history holds an event the other lacks. */
  record Concurrent() implements Causality {}

  /** Combines the two inclusion tests into one ordering. */
  static Causality of(boolean leftWithinRight, boolean rightWithinLeft) {
    if (leftWithinRight && rightWithinLeft) {
      return EQUAL;
    }
    if (leftWithinRight) {
      return BEFORE;
    }
    return rightWithinLeft ? AFTER : CONCURRENT;
  }
}
