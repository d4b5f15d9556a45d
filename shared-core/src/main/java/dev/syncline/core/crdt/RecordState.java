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

  /**
   * The part of this state that the writes named by {@code dots} made or removed: the fields'
   * entries whose dots are in {@code dots}, under this context restricted to {@code dots}. Joined
   * into any replica it carries what those writes did and nothing else, so an outbox can keep
   * only the dots it owes a peer and read the delta from the current state when it sends
   * (Almeida et al. 2018, section 7: a delta is any state below the full one).
   */
  public RecordState restrict(CausalContext dots) {
    if (isEmpty() || dots.isEmpty()) {
      return EMPTY;
    }
    TreeMap<FieldKey, FieldState> out = new TreeMap<>();
    fields.forEach((key, state) -> putIfNotBottom(out, key, state.restrict(dots)));
    return new RecordState(context.intersect(dots), out, true);
  }

  /**
   * The dots among {@code among} that this state's fields hold and {@code later} (a state this
   * one grew into) holds differently: removed, superseded or reset since. Over-approximates per
   * field (every dot of a field that changed at all), which only ever makes a delta larger.
   */
  public CausalContext changedIn(RecordState later, CausalContext among) {
    CausalContext.Builder changed = CausalContext.builder();
    boolean any = false;
    for (Map.Entry<FieldKey, FieldState> e : fields.entrySet()) {
      CausalContext.Builder held = CausalContext.builder();
      boolean[] some = {false};
      e.getValue().forEachHeldDot(dot -> {
        if (among.contains(dot)) {
          held.add(dot.replica(), dot.counter(), dot.counter());
          some[0] = true;
        }
      });
      if (!some[0]) {
        continue;
      }
      CausalContext d = held.build();
      FieldState now = later.fields.getOrDefault(e.getKey(), FieldState.bottom(e.getKey().type()));
      if (!e.getValue().restrict(d).equals(now.restrict(d))) {
        d.forEachRange(changed::add);
        any = true;
      }
    }
    return any ? changed.build() : CausalContext.EMPTY;
  }

  /**
   * Checks what a decoded state must satisfy beyond its format: every dot a field holds is in
   * the context (otherwise a later local write could reuse it for another value).
   *
   * @throws IllegalArgumentException naming the field that breaks it
   */
  public RecordState requireWellFormed() {
    fields.forEach((key, state) -> state.forEachHeldDot(dot -> {
      if (!context.contains(dot)) {
        throw new IllegalArgumentException("field " + key.name() + " holds dot " + dot + " that the context lacks");
      }
    }));
    return this;
  }

  /** The highest stamp anywhere in the state, live or not. */
  public Hlc newestStamp() {
    Hlc[] max = {Hlc.ZERO};
    fields.values().forEach(f -> f.forEachStamp(h -> max[0] = Hlc.max(max[0], h)));
    return max[0];
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
    Mutator m = new Mutator(this, replica, hlc);
    for (Op op : ops) {
      m.apply(entity, op, schemas);
    }
    return m.result();
  }

  /**
   * Applies ops by writing the touched fields directly, with no general join: a local write sees
   * everything in its own state, so a {@code set} replaces every sibling, an {@code add} every
   * add of its element, a reset every contribution. The delta collects the new writes and, as
   * its context, the dots they supersede plus the fresh ones, which is exactly what a peer needs
   * to remove what this replica removed (the jqwik laws check that base joined with the delta
   * gives the new state).
   */
  private static final class Mutator {
    private final TreeMap<FieldKey, FieldState> fields;
    private final TreeMap<FieldKey, FieldState> deltaFields = new TreeMap<>();
    private final List<Dot> deltaDots = new ArrayList<>();
    private final String replica;
    private final Hlc hlc;
    private CausalContext context;

    Mutator(RecordState base, String replica, Hlc hlc) {
      this.fields = new TreeMap<>(base.fields);
      this.context = base.context;
      this.replica = replica;
      this.hlc = hlc;
    }

    void apply(String entity, Op op, Schemas schemas) {
      if (op instanceof Op.Delete) {
        for (FieldKey key : new ArrayList<>(fields.keySet())) {
          clear(key);
        }
        return;
      }
      Set<FieldType> types = schemas.typesFor(entity, op);
      if (op instanceof Op.Unset) {
        for (FieldType type : types) {
          clear(new FieldKey(op.field(), type));
        }
        return;
      }
      FieldKey key = new FieldKey(op.field(), types.iterator().next());
      FieldState current = fields.getOrDefault(key, FieldState.bottom(key.type()));
      if (op instanceof Op.Set set) {
        current.forEachDot(deltaDots::add);
        Register written = Register.write(fresh(), set.value(), hlc);
        fields.put(key, written);
        deltaFields.put(key, written);
      } else if (op instanceof Op.Incr incr) {
        Counter counter = (Counter) current;
        Counter step;
        try {
          step = counter.increment(context.nextDot(replica), incr.by(), hlc);
        } catch (ArithmeticException e) {
          throw SynclineException.schemaViolation("counter '" + op.field() + "': " + e.getMessage());
        }
        fresh();
        fields.put(key, counter.join(step, context, context));
        Counter inDelta = (Counter) deltaFields.getOrDefault(key, Counter.EMPTY);
        deltaFields.put(key, inDelta.join(step, context, context));
      } else if (op instanceof Op.Add add) {
        AwSet set = (AwSet) current;
        deltaDots.addAll(set.dotsOf(add.value()).keySet());
        Dot dot = fresh();
        fields.put(key, set.withOnly(add.value(), dot, hlc));
        AwSet inDelta = (AwSet) deltaFields.getOrDefault(key, AwSet.EMPTY);
        deltaFields.put(key, inDelta.withOnly(add.value(), dot, hlc));
      } else {
        JsonValue value = ((Op.Remove) op).value();
        AwSet set = (AwSet) current;
        deltaDots.addAll(set.dotsOf(value).keySet());
        putOrDrop(fields, key, set.without(value));
        if (deltaFields.get(key) instanceof AwSet inDelta) {
          putOrDrop(deltaFields, key, inDelta.without(value));
        }
      }
    }

    /** Removes what this replica has seen of one field: its dots go into the delta's context. */
    private void clear(FieldKey key) {
      FieldState current = fields.get(key);
      if (current == null) {
        return;
      }
      current.forEachDot(deltaDots::add);
      if (current instanceof Counter counter) {
        Counter reset = counter.reset();
        fields.put(key, counter.join(reset, context, context));
        Counter inDelta = (Counter) deltaFields.getOrDefault(key, Counter.EMPTY);
        deltaFields.put(key, inDelta.join(reset, context, context));
      } else {
        fields.remove(key);
        deltaFields.remove(key);
      }
    }

    /** The replica's next dot for this record, now part of the state's and the delta's context. */
    private Dot fresh() {
      Dot dot = context.nextDot(replica);
      context = context.with(dot);
      deltaDots.add(dot);
      return dot;
    }

    private static void putOrDrop(TreeMap<FieldKey, FieldState> map, FieldKey key, FieldState state) {
      if (state.isBottom()) {
        map.remove(key);
      } else {
        map.put(key, state);
      }
    }

    Mutation result() {
      CausalContext deltaContext = deltaDots.isEmpty() ? CausalContext.EMPTY : CausalContext.of(Map.of(), deltaDots);
      return new Mutation(new RecordState(context, fields, true), new RecordState(deltaContext, deltaFields, true));
    }
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
    return new RecordView(key, !shown.isEmpty(), shown, conflicts, context.maxima());
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
