package dev.syncline.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Schemas;
import dev.syncline.core.port.OutboxEntry;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The outbox keeps, per peer, only the dots it owes and reads the delta from the state when it
 * sends ({@link RecordState#restrict}); what was delivered while more writes joined in is
 * subtracted ({@link OutboxEntry#after}). These properties check that this loses nothing: over any
 * interleaving of local writes, sends that are acknowledged or lost, writes landing during a
 * send, and a third replica's changes merged at either end, the peer ends with exactly the
 * origin's state (joined with what the third replica delivered itself).
 */
class OutboxWindowProperties {

  private static final String ORIGIN = "aws-us-east-1";
  private static final String THIRD = "azure-eastus";

  /** 0 write at the origin, 1 a send (acknowledged or lost), 2 the third replica writes, 3/4 it delivers to the origin/peer. */
  record Step(int kind, List<Op> ops, List<List<Op>> duringSend, boolean acknowledged) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<List<Op>> ops = op().list().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(Arbitraries.integers().between(0, 4), ops, ops.list().ofMaxSize(3), Arbitraries.of(true, true, false))
        .as(Step::new)
        .list().ofMaxSize(40);
  }

  private static Arbitrary<Op> op() {
    Arbitrary<JsonValue> value = Arbitraries.of("a", "b", "c").map(JsonValue::ofString);
    Arbitrary<JsonValue> element = Arbitraries.of("x", "y", "z").map(JsonValue::ofString);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("email", "phone"), value).as(Op.Set::new),
        Arbitraries.of("email", "logins", "tags").map(Op.Unset::new),
        Arbitraries.longs().between(-3, 5).map(by -> new Op.Incr("logins", by)),
        element.map(e -> new Op.Add("tags", e)),
        element.map(e -> new Op.Remove("tags", e)),
        Arbitraries.just(new Op.Delete()));
  }

  /** The origin's state and its entry for the peer, as the engine and the drain keep them. */
  private static final class Origin {
    RecordState state = RecordState.EMPTY;
    OutboxEntry entry;
    long clock = 1_000;
    int writes;

    void write(List<Op> ops) {
      RecordState.Mutation m = state.apply("user", ops, ORIGIN, new Hlc(clock++, 0), Schemas.inferred());
      state = m.state();
      if (m.delta().isEmpty()) {
        return;
      }
      String id = "user/1@" + ++writes;
      CausalContext dots = m.delta().context();
      entry = entry == null ? OutboxEntry.first("gcp-us-east4", dots, null, id, clock, null)
          : entry.plus(dots, null, id, clock, null);
    }

    /** What the drain sends for the entry as loaded now. */
    RecordState delta() {
      return state.restrict(entry.pending().intersect(state.context()));
    }
  }

  /** Where a history leaves the origin, its entry for the peer, the peer and the third replica. */
  private record Ends(Origin origin, RecordState peer, RecordState third, int mostRangesPerReplica) {}

  /** Plays {@code history}: the engine's writes and the drain's sends, as they run. */
  private static Ends play(List<Step> history) {
    Origin origin = new Origin();
    RecordState third = RecordState.EMPTY;
    RecordState peer = RecordState.EMPTY;
    long thirdClock = 500;
    int mostRanges = 1;
    for (Step step : history) {
      switch (step.kind()) {
        case 0 -> origin.write(step.ops());
        case 1 -> {
          if (origin.entry == null) {
            continue;
          }
          RecordState loadedState = origin.state;
          OutboxEntry loaded = origin.entry;
          RecordState sent = origin.delta();
          step.duringSend().forEach(origin::write);
          if (!step.acknowledged()) {
            continue;
          }
          peer = peer.join(sent);
          if (origin.entry.changeId().equals(loaded.changeId())) {
            origin.entry = null;
          } else {
            CausalContext sentDots = loaded.pending().intersect(loadedState.context());
            Optional<OutboxEntry> left = origin.entry.after(
                loaded, sentDots, loadedState.changedIn(origin.state, sentDots), origin.state.context(), origin.clock);
            origin.entry = left.orElse(null);
          }
        }
        case 2 -> third = third.apply("user", step.ops(), THIRD, new Hlc(thirdClock++, 0), Schemas.inferred()).state();
        case 3 -> origin.state = origin.state.join(third);
        default -> peer = peer.join(third);
      }
      if (origin.entry != null) {
        CausalContext pending = origin.entry.pending();
        // Superseded values of the third replica's are owed too: one range for each replica.
        mostRanges = Math.max(mostRanges, pending.rangeCount() - pending.maxima().size() + 1);
      }
    }
    return new Ends(origin, peer, third, mostRanges);
  }

  @Property(tries = 2_000)
  void thePeerEndsWithTheOriginsState_whateverLandsDuringSends(@ForAll("histories") List<Step> history) {
    Ends ends = play(history);
    RecordState peer = ends.peer();
    if (ends.origin().entry != null) {
      peer = peer.join(ends.origin().delta());
    }
    // The third replica delivers its own writes to the peer; the origin owes only its own.
    assertThat(peer.join(ends.third())).isEqualTo(ends.origin().state.join(ends.third()));
  }

  @Property(tries = 500)
  void anEntryStaysOneRangePerReplica_howeverManyWritesAndSendsItCovers(@ForAll("histories") List<Step> history) {
    assertThat(play(history).mostRangesPerReplica()).isLessThanOrEqualTo(1);
  }

  @Property(tries = 500)
  void restrictingToTwoParts_joinsToRestrictingToBoth(@ForAll("histories") List<Step> history) {
    Origin origin = new Origin();
    history.forEach(step -> origin.write(step.ops()));
    CausalContext all = origin.state.context();
    Optional<CausalContext[]> halves = all.halves();
    if (halves.isEmpty()) {
      return;
    }
    RecordState a = origin.state.restrict(halves.get()[0]);
    RecordState b = origin.state.restrict(halves.get()[1]);
    assertThat(a.join(b)).isEqualTo(origin.state.restrict(all)).isEqualTo(origin.state);
    assertThat(origin.state.join(a)).isEqualTo(origin.state);
  }
}
