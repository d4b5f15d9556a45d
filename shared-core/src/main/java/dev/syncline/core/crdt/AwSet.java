package dev.syncline.core.crdt;

import dev.syncline.core.clock.Hlc;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Add-wins observed-remove set of JSON scalars (Almeida et al. 2018, "AWORSet" as a map from
 * element to dot set; Shapiro et al., "A comprehensive study of CRDTs", 2011, OR-Set). A remove
 * takes away the adds its writer had seen; an add concurrent with a remove survives. Immutable;
 * instances share the unchanged per-element maps of the states they were made from.
 */
public final class AwSet implements FieldState {

  public static final AwSet EMPTY = new AwSet(new TreeMap<>(), true);

  private final SortedMap<JsonValue, SortedMap<Dot, Hlc>> elements;

  /** A set from element to the dots (and stamps) of the adds that put it there; copies its input. */
  public AwSet(SortedMap<JsonValue, SortedMap<Dot, Hlc>> elements) {
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> copy = new TreeMap<>();
    elements.forEach(
        (value, dots) -> {
          if (!dots.isEmpty()) {
            copy.put(value, Collections.unmodifiableSortedMap(new TreeMap<>(dots)));
          }
        });
    this.elements = Collections.unmodifiableSortedMap(copy);
  }

  /** Takes ownership of a map whose dot maps are non-empty and unmodifiable. */
  private AwSet(TreeMap<JsonValue, SortedMap<Dot, Hlc>> owned, boolean owns) {
    this.elements = Collections.unmodifiableSortedMap(owned);
  }

  /** Element to the dots of the adds that put it there. */
  public SortedMap<JsonValue, SortedMap<Dot, Hlc>> elements() {
    return elements;
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
      SortedMap<Dot, Hlc> theirDots = that.elements.get(e.getKey());
      put(out, e.getKey(), e.getValue(), theirDots == null ? Collections.emptySortedMap() : theirDots, mine, theirs);
    }
    for (Map.Entry<JsonValue, SortedMap<Dot, Hlc>> e : that.elements.entrySet()) {
      if (!elements.containsKey(e.getKey())) {
        put(out, e.getKey(), Collections.emptySortedMap(), e.getValue(), mine, theirs);
      }
    }
    return new AwSet(out, true);
  }

  private static void put(
      TreeMap<JsonValue, SortedMap<Dot, Hlc>> out, JsonValue value, SortedMap<Dot, Hlc> a,
      SortedMap<Dot, Hlc> b, CausalContext ca, CausalContext cb) {
    SortedMap<Dot, Hlc> joined;
    if (a.equals(b)) {
      joined = a;
    } else if (b.isEmpty() && noneSeen(a, cb)) {
      joined = a;
    } else if (a.isEmpty() && noneSeen(b, ca)) {
      joined = b;
    } else {
      joined = Collections.unmodifiableSortedMap(FieldState.joinDots(a, ca, b, cb));
    }
    if (!joined.isEmpty()) {
      out.put(value, joined);
    }
  }

  private static boolean noneSeen(SortedMap<Dot, Hlc> dots, CausalContext context) {
    for (Dot dot : dots.keySet()) {
      if (context.contains(dot)) {
        return false;
      }
    }
    return true;
  }

  /** Delta of adding {@code value} with a fresh {@code dot}. */
  public static AwSet add(JsonValue value, Dot dot, Hlc hlc) {
    return EMPTY.withOnly(value, dot, hlc);
  }

  /** This set with {@code value} present under exactly one add, {@code dot}. */
  AwSet withOnly(JsonValue value, Dot dot, Hlc hlc) {
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> out = new TreeMap<>(elements);
    out.put(value, Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(dot, hlc))));
    return new AwSet(out, true);
  }

  /** This set without {@code value}. */
  AwSet without(JsonValue value) {
    if (!elements.containsKey(value)) {
      return this;
    }
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> out = new TreeMap<>(elements);
    out.remove(value);
    return new AwSet(out, true);
  }

  /** The dots under which {@code value} is currently present (what a remove must observe). */
  public SortedMap<Dot, Hlc> dotsOf(JsonValue value) {
    return elements.getOrDefault(value, Collections.emptySortedMap());
  }

  /** The elements, sorted by canonical JSON text. */
  public SortedSet<JsonValue> values() {
    return new TreeSet<>(elements.keySet());
  }

  @Override
  public boolean survives(CausalContext other) {
    for (SortedMap<Dot, Hlc> dots : elements.values()) {
      if (!noneSeen(dots, other)) {
        return false;
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

  @Override
  public void forEachStamp(Consumer<Hlc> action) {
    elements.values().forEach(dots -> dots.values().forEach(action));
  }

  @Override
  public AwSet restrict(CausalContext dots) {
    TreeMap<JsonValue, SortedMap<Dot, Hlc>> out = new TreeMap<>();
    boolean same = true;
    for (Map.Entry<JsonValue, SortedMap<Dot, Hlc>> e : elements.entrySet()) {
      TreeMap<Dot, Hlc> kept = new TreeMap<>();
      e.getValue().forEach((dot, hlc) -> {
        if (dots.contains(dot)) {
          kept.put(dot, hlc);
        }
      });
      if (kept.size() == e.getValue().size()) {
        out.put(e.getKey(), e.getValue());
      } else {
        same = false;
        if (!kept.isEmpty()) {
          out.put(e.getKey(), Collections.unmodifiableSortedMap(kept));
        }
      }
    }
    return same ? this : new AwSet(out, true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AwSet other && elements.equals(other.elements);
  }

  @Override
  public int hashCode() {
    return elements.hashCode();
  }

  @Override
  public String toString() {
    return "AwSet" + elements;
  }
}
