package dev.syncline.core.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.clock.Hlc;
import dev.syncline.core.event.DeltaCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The CRDT laws (DESIGN section 10) over states that real histories reach: three replicas that
 * write random ops (with field names shared across types) and merge each other's states at random.
 */
class CrdtLawsProperties {

  private static final String[] REPLICAS = {"aws-us-east-1", "azure-eastus", "gcp-us-east4"};

  /** One step of a history: a replica writes ops, or merges another replica's whole state. */
  record Step(int replica, List<Op> ops, int mergeFrom) {}

  /** The three final states and every delta the writes produced. */
  record World(List<RecordState> states, List<RecordState> deltas) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Integer> replica = Arbitraries.integers().between(0, 2);
    Arbitrary<Step> write =
        Combinators.combine(replica, ops().list().ofMinSize(1).ofMaxSize(3))
            .as((r, ops) -> new Step(r, ops, -1));
    Arbitrary<Step> merge = Combinators.combine(replica, replica).as((r, from) -> new Step(r, null, from));
    return Arbitraries.frequencyOf(List.of(Tuple.of(4, write), Tuple.of(1, merge))).list().ofMaxSize(25);
  }

  private static Arbitrary<Op> ops() {
    Arbitrary<String> registerField = Arbitraries.of("email", "phone", "score");
    Arbitrary<JsonValue> value = Arbitraries.of("a", "b", "c").map(JsonValue::ofString);
    Arbitrary<JsonValue> element =
        Arbitraries.oneOf(Arbitraries.of("x", "y").map(JsonValue::ofString), Arbitraries.of(1L, 2L).map(JsonValue::ofLong));
    return Arbitraries.oneOf(
        Combinators.combine(registerField, value).as(Op.Set::new),
        Arbitraries.of("email", "logins", "tags", "score").map(Op.Unset::new),
        Combinators.combine(Arbitraries.of("logins", "score"), Arbitraries.longs().between(-3, 5)).as(Op.Incr::new),
        element.map(e -> new Op.Add("tags", e)),
        element.map(e -> new Op.Remove("tags", e)),
        Arbitraries.just(new Op.Delete()));
  }

  static World run(List<Step> history) {
    List<RecordState> states = new ArrayList<>(List.of(RecordState.EMPTY, RecordState.EMPTY, RecordState.EMPTY));
    List<RecordState> deltas = new ArrayList<>();
    long wall = 1_000;
    for (Step step : history) {
      if (step.ops() == null) {
        states.set(step.replica(), states.get(step.replica()).join(states.get(step.mergeFrom())));
        continue;
      }
      RecordState.Mutation m =
          states.get(step.replica())
              .apply("user", step.ops(), REPLICAS[step.replica()], new Hlc(wall++, 0), Schemas.inferred());
      assertThat(states.get(step.replica()).join(m.delta()))
          .as("a mutation's delta joined into its base gives the new state")
          .isEqualTo(m.state());
      states.set(step.replica(), m.state());
      deltas.add(m.delta());
    }
    return new World(states, deltas);
  }

  @Property
  void join_isCommutative(@ForAll("histories") List<Step> history) {
    World w = run(history);
    for (RecordState a : w.states()) {
      for (RecordState b : w.states()) {
        assertThat(a.join(b)).isEqualTo(b.join(a));
      }
    }
  }

  @Property
  void join_isAssociative(@ForAll("histories") List<Step> history) {
    List<RecordState> s = run(history).states();
    RecordState a = s.get(0);
    RecordState b = s.get(1);
    RecordState c = s.get(2);
    assertThat(a.join(b).join(c)).isEqualTo(a.join(b.join(c)));
  }

  @Property
  void join_isIdempotent(@ForAll("histories") List<Step> history) {
    for (RecordState a : run(history).states()) {
      assertThat(a.join(a)).isEqualTo(a);
      for (RecordState b : run(history).states()) {
        assertThat(a.join(b).join(b)).isEqualTo(a.join(b));
      }
    }
  }

  @Property
  void views_areIdentical_afterAnyDeliveryOrderWithDuplicates(
      @ForAll("histories") List<Step> history, @ForAll Random random) {
    World w = run(history);
    RecordState everything = w.states().get(0).join(w.states().get(1)).join(w.states().get(2));
    List<RecordState> deliveries = new ArrayList<>(w.deltas());
    for (RecordState d : w.deltas()) {
      if (random.nextBoolean()) {
        deliveries.add(d);
      }
    }
    Collections.shuffle(deliveries, random);

    RecordState received = RecordState.EMPTY;
    for (RecordState d : deliveries) {
      received = received.join(d);
    }

    assertThat(received).isEqualTo(everything);
    assertThat(Replicas.viewJson(received)).isEqualTo(Replicas.viewJson(everything));
  }

  @Property
  void deltaCodec_roundTripsEveryReachableState(@ForAll("histories") List<Step> history) {
    World w = run(history);
    for (RecordState s : w.states()) {
      byte[] bytes = DeltaCodec.encode(s);
      RecordState decoded = DeltaCodec.decode(bytes);
      assertThat(decoded).isEqualTo(s);
      assertThat(DeltaCodec.encode(decoded)).isEqualTo(bytes);
    }
  }
}
