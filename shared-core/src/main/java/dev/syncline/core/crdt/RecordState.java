package dev.syncline.core.crdt;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.syncline.core.clock.Hlc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated state of one record, which is also the shape of a delta: a map from {@link
 * FieldKey} to causal field state, sharing one {@link CausalContext} (a causal map in the sense
 * of Almeida et al. 2018, and Riak DT's map). Immutable.
 *
 * <p>{@link #join} is the merge: commutative, associative, idempotent, so deltas may arrive in any
 * order and any number of times. A field absent on one side is joined as its bottom under that
 * side's context, which is how removals travel.
 */
public final class RecordState {

  public static final RecordState EMPTY = new RecordState(CausalContext.EMPTY, Map.of());

  private final CausalContext context;
  private final SortedMap<FieldKey, FieldState> fields;

  /** Builds a state; bottom fields are dropped so that equal states have equal representations. */
  public RecordState(CausalContext context, Map<FieldKey, FieldState> fields) {
    this.context = context;
    TreeMap<FieldKey, FieldState> copy = new TreeMap<>();
    fields.forEach(
        (key, state) -> {
          if (key.type() != state.type()) {
            throw new IllegalArgumentException("field " + key.name() + " holds the wrong type");
          }
          if (!state.isBottom()) {
            copy.put(key, state);
          }
        });
    this.fields = Collections.unmodifiableSortedMap(copy);
  }

  /** Takes ownership of a map the caller built from valid, non-bottom fields and will not touch. */
  private RecordState(CausalContext context, TreeMap<FieldKey, FieldState> owned, boolean owns) {
    this.context = context;
    this.fields = Collections.unmodifiableSortedMap(owned);
  }

  public CausalContext context() {
    return context;
  }

  public SortedMap<FieldKey, FieldState> fields() {
    return fields;
  }

  /** True if nothing was ever written (or received) for this record. */
  public boolean isEmpty() {
    return context.isEmpty() && fields.isEmpty();
  }

  /** The least upper bound of two states or deltas. */
  public RecordState join(RecordState other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeSet<FieldKey> keys = new TreeSet<>(fields.keySet());
    keys.addAll(other.fields.keySet());
    TreeMap<FieldKey, FieldState> out = new TreeMap<>();
    for (FieldKey key : keys) {
      putIfNotBottom(out, key, joinField(key, fields.get(key), context, other.fields.get(key), other.context));
    }
    return new RecordState(context.merge(other.context), out, true);
  }

  /**
   * One field's join. Shares an instance where the join would rebuild it unchanged: a field held
   * by one side only whose writes the other side has not seen, or equal fields on both sides.
   */
  private static FieldState joinField(
      FieldKey key, FieldState mine, CausalContext ca, FieldState theirs, CausalContext cb) {
    if (theirs == null && mine.survives(cb)) {
      return mine;
    }
    if (mine == null && theirs.survives(ca)) {
      return theirs;
    }
    if (mine != null && mine.equals(theirs)) {
      return mine;
    }
    FieldState bottom = FieldState.bottom(key.type());
    return (mine == null ? bottom : mine).join(theirs == null ? bottom : theirs, ca, cb);
  }

  private static void putIfNotBottom(TreeMap<FieldKey, FieldState> out, FieldKey key, FieldState state) {
    if (state.isBottom()) {
      out.remove(key);
    } else {
      out.put(key, state);
    }
  }

  /** The highest stamp of any live write in the record. */
  public Hlc latest() {
    Hlc max = Hlc.ZERO;
    for (FieldState f : fields.values()) {
      max = Hlc.max(max, f.latest());
    }
    return max;
  }

  /** The result of applying one intent's ops: the new state and the delta to ship. */
  public record Mutation(RecordState state, RecordState delta) {}

  /**
   * Applies an intent's ops, in order, as writes of {@code replica} stamped {@code hlc}.
   *
   * @throws SynclineException SCHEMA_VIOLATION if an op does not fit the schema, or a counter
   *     would overflow
   */
  public Mutation apply(
      String entity, List<Op> ops, String replica, Hlc hlc, Schemas schemas) {
    // Each op's delta touches only the fields it names (its context holds only their dots and
    // one fresh dot), so only those fields are joined; every other field is shared as it is.
    TreeMap<FieldKey, FieldState> working = new TreeMap<>(fields);
    CausalContext seen = context;
    RecordState delta = EMPTY;
    for (Op op : ops) {
      RecordState step = deltaOf(working, seen, entity, op, replica, hlc, schemas);
      for (FieldKey key : keysTouchedBy(working, op, step)) {
        putIfNotBottom(working, key, joinField(key, working.get(key), seen, step.fields.get(key), step.context));
      }
      // A step's context is what it observed (already in seen) plus, for set/incr/add, the
      // fresh dot deltaOf took: the replica's next one.
      if (op instanceof Op.Set || op instanceof Op.Incr || op instanceof Op.Add) {
        seen = seen.with(seen.nextDot(replica));
      }
      delta = delta.join(step);
    }
    return new Mutation(new RecordState(seen, working, true), delta);
  }

  /**
   * The fields an op's step can change: those in the step, and those whose writes its context
   * may cover (every field under the op's name; every field for a delete).
   */
  private static Iterable<FieldKey> keysTouchedBy(
      SortedMap<FieldKey, FieldState> fields, Op op, RecordState step) {
    TreeSet<FieldKey> keys = new TreeSet<>(step.fields.keySet());
    for (FieldKey key : fields.keySet()) {
      if (op instanceof Op.Delete || key.name().equals(op.field())) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** The delta of one op on a state with these fields and this context. */
  private static RecordState deltaOf(
      SortedMap<FieldKey, FieldState> fields, CausalContext context, String entity, Op op,
      String replica, Hlc hlc, Schemas schemas) {
    if (op instanceof Op.Delete) {
      return removeObserved(fields, fields.keySet());
    }
    Set<FieldType> types = schemas.typesFor(entity, op);
    if (op instanceof Op.Unset) {
      List<FieldKey> keys = new ArrayList<>();
      types.forEach(t -> keys.add(new FieldKey(op.field(), t)));
      return removeObserved(fields, keys);
    }
    FieldType type = types.iterator().next();
    FieldKey key = new FieldKey(op.field(), type);
    FieldState current = fields.getOrDefault(key, FieldState.bottom(type));
    Dot dot = context.nextDot(replica);
    if (op instanceof Op.Set set) {
      return single(key, Register.write(dot, set.value(), hlc), observed(current).with(dot));
    }
    if (op instanceof Op.Incr incr) {
      try {
        return single(key, ((Counter) current).increment(dot, incr.by(), hlc), CausalContext.EMPTY.with(dot));
      } catch (ArithmeticException e) {
        throw SynclineException.schemaViolation(
            "counter '" + op.field() + "': this replica's increments would overflow a signed 64-bit sum");
      }
    }
    AwSet set = (AwSet) current;
    if (op instanceof Op.Add add) {
      CausalContext seen = contextOf(set.dotsOf(add.value()).keySet()).with(dot);
      return single(key, AwSet.add(add.value(), dot, hlc), seen);
    }
    Op.Remove remove = (Op.Remove) op;
    return new RecordState(contextOf(set.dotsOf(remove.value()).keySet()), Map.of());
  }

  /** A delta that removes every write it has seen in the given fields. */
  private static RecordState removeObserved(SortedMap<FieldKey, FieldState> fields, Iterable<FieldKey> keys) {
    CausalContext seen = CausalContext.EMPTY;
    TreeMap<FieldKey, FieldState> resets = new TreeMap<>();
    for (FieldKey key : keys) {
      FieldState current = fields.get(key);
      if (current == null) {
        continue;
      }
      seen = seen.merge(observed(current));
      if (current instanceof Counter counter) {
        resets.put(key, counter.reset());
      }
    }
    return new RecordState(seen, resets);
  }

  private static RecordState single(FieldKey key, FieldState state, CausalContext context) {
    return new RecordState(context, Map.of(key, state));
  }

  private static CausalContext observed(FieldState state) {
    List<Dot> dots = new ArrayList<>();
    state.forEachDot(dots::add);
    return contextOf(dots);
  }

  private static CausalContext contextOf(Iterable<Dot> dots) {
    return CausalContext.of(Map.of(), dots);
  }

  /**
   * A cheap test that the view may list conflicts: some register holds several siblings or some
   * name is used with several types. False means the view has none.
   */
  public boolean mayConflict() {
    String previous = null;
    for (Map.Entry<FieldKey, FieldState> e : fields.entrySet()) {
      String name = e.getKey().name();
      if (name.equals(previous)
          || (e.getValue() instanceof Register r && r.siblings().size() > 1)) {
        return true;
      }
      previous = name;
    }
    return false;
  }

  /** The view of DESIGN section 6. */
  public RecordView view(RecordKey key) {
    TreeMap<String, List<FieldState>> byName = new TreeMap<>();
    fields.forEach(
        (k, state) -> {
          if (state.isLive()) {
            byName.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(state);
          }
        });
    TreeMap<String, JsonValue> shown = new TreeMap<>();
    TreeMap<String, List<JsonValue>> conflicts = new TreeMap<>();
    byName.forEach(
        (name, states) -> {
          // The type whose latest write has the highest stamp wins (tie: declaration order).
          states.sort(
              (a, b) -> {
                int c = b.latest().compareTo(a.latest());
                return c != 0 ? c : a.type().compareTo(b.type());
              });
          FieldState winner = states.get(0);
          List<JsonValue> values = valuesOf(winner);
          shown.put(name, values.get(0));
          if (states.size() > 1) {
            List<JsonValue> all = new ArrayList<>();
            states.forEach(s -> all.add(valuesOf(s).get(0)));
            conflicts.put(name, List.copyOf(all));
          } else if (values.size() > 1) {
            conflicts.put(name, List.copyOf(values));
          }
        });
    TreeMap<String, Long> version = new TreeMap<>(context.vector());
    context.cloud().forEach(d -> version.merge(d.replica(), d.counter(), Math::max));
    return new RecordView(key, !shown.isEmpty(), shown, conflicts, version);
  }

  /** A field's values to show: register siblings winner first; otherwise one value. */
  private static List<JsonValue> valuesOf(FieldState state) {
    if (state instanceof Register register) {
      return register.valuesWinnerFirst();
    }
    if (state instanceof Counter counter) {
      return List.of(JsonValue.of(JsonNodeFactory.instance.numberNode(counter.value())));
    }
    var array = JsonNodeFactory.instance.arrayNode();
    ((AwSet) state).values().forEach(v -> array.add(v.toNode()));
    return List.of(JsonValue.of(array));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordState other
        && context.equals(other.context)
        && fields.equals(other.fields);
  }

  @Override
  public int hashCode() {
    return context.hashCode() * 31 + fields.hashCode();
  }

  @Override
  public String toString() {
    return "RecordState{" + context + ", " + fields + "}";
  }
}
