package dev.syncline.core.crdt;

import dev.syncline.core.clock.Hlc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Multi-value register (Almeida et al. 2018, "MVRegister"; Riak DT {@code riak_dt_mvreg}): a
 * write replaces every value its writer had seen; concurrent writes are all kept as siblings. The
 * view shows the sibling with the highest HLC (tie: higher replica id) and reports the others as a
 * conflict until a later write supersedes them.
 */
public record Register(SortedMap<Dot, Sibling> siblings) implements FieldState {

  public static final Register EMPTY = new Register(Collections.emptySortedMap());

  /** One concurrent value and the stamp of the write that made it. */
  public record Sibling(JsonValue value, Hlc hlc) {}

  /** Winner first: highest HLC, then highest replica id. */
  static final Comparator<SortedMap.Entry<Dot, Sibling>> WINNER_FIRST =
      Comparator.<SortedMap.Entry<Dot, Sibling>, Hlc>comparing(e -> e.getValue().hlc())
          .thenComparing(e -> e.getKey().replica())
          .reversed();

  public Register {
    siblings = Collections.unmodifiableSortedMap(new TreeMap<>(siblings));
  }

  @Override
  public FieldType type() {
    return FieldType.REGISTER;
  }

  @Override
  public Register join(FieldState other, CausalContext mine, CausalContext theirs) {
    return new Register(FieldState.joinDots(siblings, mine, ((Register) other).siblings, theirs));
  }

  /** Delta of a write of {@code value} with a fresh {@code dot}: the new sibling only. */
  public static Register write(Dot dot, JsonValue value, Hlc hlc) {
    return new Register(new TreeMap<>(java.util.Map.of(dot, new Sibling(value, hlc))));
  }

  @Override
  public boolean survives(CausalContext other) {
    for (Dot dot : siblings.keySet()) {
      if (other.contains(dot)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isBottom() {
    return siblings.isEmpty();
  }

  @Override
  public boolean isLive() {
    return !siblings.isEmpty();
  }

  @Override
  public Hlc latest() {
    Hlc max = Hlc.ZERO;
    for (Sibling s : siblings.values()) {
      max = Hlc.max(max, s.hlc());
    }
    return max;
  }

  @Override
  public void forEachDot(Consumer<Dot> action) {
    siblings.keySet().forEach(action);
  }

  @Override
  public void forEachStamp(Consumer<Hlc> action) {
    siblings.values().forEach(s -> action.accept(s.hlc()));
  }

  @Override
  public Register restrict(CausalContext dots) {
    TreeMap<Dot, Sibling> kept = new TreeMap<>();
    siblings.forEach((dot, sibling) -> {
      if (dots.contains(dot)) {
        kept.put(dot, sibling);
      }
    });
    return kept.size() == siblings.size() ? this : new Register(kept);
  }

  /** The distinct sibling values, the winner first. */
  public List<JsonValue> valuesWinnerFirst() {
    List<SortedMap.Entry<Dot, Sibling>> entries = new ArrayList<>(siblings.entrySet());
    entries.sort(WINNER_FIRST);
    LinkedHashSet<JsonValue> values = new LinkedHashSet<>();
    entries.forEach(e -> values.add(e.getValue().value()));
    return List.copyOf(values);
  }
}
