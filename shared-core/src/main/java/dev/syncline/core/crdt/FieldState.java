package dev.syncline.core.crdt;

import dev.syncline.core.clock.Hlc;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The state of one field: a causal CRDT whose writes are tagged with dots of the record's
 * {@link CausalContext}. Immutable. Joins take both sides' contexts, as in the dot-store joins of
 * Almeida, Shoker and Baquero, "Delta State Replicated Data Types" (JPDC 2018), section 6.
 */
public sealed interface FieldState permits Register, Counter, AwSet {

  FieldType type();

  /**
   * The least upper bound of this state (under {@code mine}) and {@code other} (under {@code
   * theirs}). Commutative, associative and idempotent; {@code other} must be of the same type.
   */
  FieldState join(FieldState other, CausalContext mine, CausalContext theirs);

  /** True if the field holds nothing at all (its bottom), so it can be dropped from the record. */
  boolean isBottom();

  /** True if the field has a value to show. */
  boolean isLive();

  /** The highest stamp among the live writes, {@link Hlc#ZERO} if none. */
  Hlc latest();

  /** Every dot the live writes carry. */
  void forEachDot(Consumer<Dot> action);

  /**
   * Every dot the state holds anywhere: the live writes' and, for a counter, its reset
   * watermarks'. A well-formed state's context contains all of them.
   */
  default void forEachHeldDot(Consumer<Dot> action) {
    forEachDot(action);
  }

  /** Every stamp the state holds, live or not (bounds are checked on all of them). */
  default void forEachStamp(Consumer<Hlc> action) {
    action.accept(latest());
  }

  /**
   * The part of this state whose dots are in {@code dots}: joined with a replica's state under
   * the context {@code dots}, it carries exactly what the writes named by {@code dots} did (the
   * delta a peer needs for them). May be bottom.
   */
  FieldState restrict(CausalContext dots);

  /**
   * True if joining this state with its bottom under {@code other} leaves it unchanged: none of
   * its writes was seen (and so removed) by the other side.
   */
  boolean survives(CausalContext other);

  /** The empty state of a type. */
  static FieldState bottom(FieldType type) {
    return switch (type) {
      case REGISTER -> Register.EMPTY;
      case COUNTER -> Counter.EMPTY;
      case SET -> AwSet.EMPTY;
    };
  }

  /**
   * The dot-function join: a write survives if both sides hold it, or if one side holds it and
   * the other has not seen it (had it seen it, its absence there means it was removed).
   */
  static <V> SortedMap<Dot, V> joinDots(
      Map<Dot, V> a, CausalContext ca, Map<Dot, V> b, CausalContext cb) {
    TreeMap<Dot, V> out = new TreeMap<>();
    a.forEach(
        (dot, value) -> {
          if (b.containsKey(dot) || !cb.contains(dot)) {
            out.put(dot, value);
          }
        });
    b.forEach(
        (dot, value) -> {
          if (!a.containsKey(dot) && !ca.contains(dot)) {
            out.put(dot, value);
          }
        });
    return out;
  }
}
