package dev.syncline.core.crdt;

import dev.syncline.core.clock.Hlc;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Add-wins observed-remove set of JSON scalars (Almeida et al. 2018, "AWORSet" as a map from
 * element to dot set; Shapiro et al., "A comprehensive study of CRDTs", 2011, OR-Set). A remove
 * takes away the adds its writer had seen; an add concurrent with a remove survives.
 */
public record AwSet(SortedMap<JsonValue, SortedMap<Dot, Hlc>> elements) implements FieldState {

  public static final AwSet EMPTY = new AwSet(Collections.emptySortedMap());

  public AwSet {
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> copy = new TreeMap<>();
    elements.forEach(
        (value, dots) -> {
          if (!dots.isEmpty()) {
            copy.put(value, Collections.unmodifiableSortedMap(new TreeMap<>(dots)));
          }
        });
    elements = Collections.unmodifiableSortedMap(copy);
  }

  @Override
  public FieldType type() {
    return FieldType.SET;
  }

  @Override
  public AwSet join(FieldState other, CausalContext mine, CausalContext theirs) {
    AwSet that = (AwSet) other;
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> out = new TreeMap<>();
    for (Map.Entry<JsonValue, SortedMap<Dot, Hlc>> e : elements.entrySet()) {
      SortedMap<Dot, Hlc> theirDots = that.elements.getOrDefault(e.getKey(), Collections.emptySortedMap());
      out.put(e.getKey(), FieldState.joinDots(e.getValue(), mine, theirDots, theirs));
    }
    for (Map.Entry<JsonValue, SortedMap<Dot, Hlc>> e : that.elements.entrySet()) {
      if (!elements.containsKey(e.getKey())) {
        out.put(
            e.getKey(),
            FieldState.joinDots(Collections.emptySortedMap(), mine, e.getValue(), theirs));
      }
    }
    return new AwSet(out);
  }

  /** Delta of adding {@code value} with a fresh {@code dot}. */
  public static AwSet add(JsonValue value, Dot dot, Hlc hlc) {
    return new AwSet(new TreeMap<>(Map.of(value, new TreeMap<>(Map.of(dot, hlc)))));
  }

  /** The dots under which {@code value} is currently present (what a remove must observe). */
  public SortedMap<Dot, Hlc> dotsOf(JsonValue value) {
    return elements.getOrDefault(value, Collections.emptySortedMap());
  }

  /** The elements, sorted by canonical JSON text. */
  public SortedSet<JsonValue> values() {
    return new java.util.TreeSet<>(elements.keySet());
  }

  @Override
  public boolean survives(CausalContext other) {
    for (SortedMap<Dot, Hlc> dots : elements.values()) {
      for (Dot dot : dots.keySet()) {
        if (other.contains(dot)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public boolean isBottom() {
    return elements.isEmpty();
  }

  @Override
  public boolean isLive() {
    return !elements.isEmpty();
  }

  @Override
  public Hlc latest() {
    Hlc max = Hlc.ZERO;
    for (SortedMap<Dot, Hlc> dots : elements.values()) {
      for (Hlc h : dots.values()) {
        max = Hlc.max(max, h);
      }
    }
    return max;
  }

  @Override
  public void forEachDot(Consumer<Dot> action) {
    elements.values().forEach(dots -> dots.keySet().forEach(action));
  }
}
