package dev.syncline.core.bench;

import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.WriteIntent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The core's hot path for one write intent (DESIGN section 9 budget: at least 100k/s on one
 * core): the bytes of a ~1 KB structured-mode CloudEvent are parsed ({@link
 * IntentParser#parseStructured}), applied to an existing record ({@link RecordState#apply}) as
 * replica {@link BenchData#LOCAL_REPLICA} with a counter-made HLC, and the resulting delta is
 * encoded ({@link DeltaCodec#encode}). Workload sizes: {@link BenchData}.
 *
 * <p>Every invocation applies one of {@link BenchData#EVENT_VARIANTS} events to the same
 * (immutable) record state, so each measures exactly one intent on a record of constant size.
 *
 * <ul>
 *   <li>{@link #intentToDelta}: parse, apply, encode the delta. This is what the budget names.
 *   <li>{@link #intentToDeltaAndState}: the same plus encoding the whole new state, which is
 *       what a store write adds (the state is stored in the delta format).
 *   <li>{@link #storedReadApplyWrite}: the same plus decoding the stored state first, the
 *       like-for-like counterpart of {@link NaiveJsonRmw} (which also reads and writes the
 *       stored document). Store I/O, dedupe and the outbox are not included in any of them.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class SynclineApply {

  private RecordState record;
  private byte[] storedState;
  private byte[][] events;
  private int next;
  private long tick;

  @Setup(Level.Trial)
  public void setUp() {
    record = BenchData.record();
    storedState = DeltaCodec.encode(record);
    events = BenchData.intentEvents();
    RecordState.Mutation sample =
        record.apply(BenchData.ENTITY, IntentParser.parseStructured(events[0]).ops(),
            BenchData.LOCAL_REPLICA, BenchData.hlc(0), BenchData.SCHEMAS);
    System.out.printf(
        "%nfixture: intent event %d B, stored state %d B, delta %d B, new state %d B,"
            + " plain document %d B%n",
        events[0].length, storedState.length, DeltaCodec.encode(sample.delta()).length,
        DeltaCodec.encode(sample.state()).length, BenchData.plainDocument(record).length);
  }

  private byte[] nextEvent() {
    return events[next++ & (BenchData.EVENT_VARIANTS - 1)];
  }

  /** Parse, apply, encode the delta: the budgeted hot path. */
  @Benchmark
  public void intentToDelta(Blackhole bh) {
    WriteIntent intent = IntentParser.parseStructured(nextEvent());
    RecordState.Mutation m =
        record.apply(intent.key().entity(), intent.ops(), BenchData.LOCAL_REPLICA,
            BenchData.hlc(++tick), BenchData.SCHEMAS);
    bh.consume(m.state());
    bh.consume(DeltaCodec.encode(m.delta()));
  }

  /** Parse, apply, encode the delta AND the whole new state (what a store write costs). */
  @Benchmark
  public void intentToDeltaAndState(Blackhole bh) {
    WriteIntent intent = IntentParser.parseStructured(nextEvent());
    RecordState.Mutation m =
        record.apply(intent.key().entity(), intent.ops(), BenchData.LOCAL_REPLICA,
            BenchData.hlc(++tick), BenchData.SCHEMAS);
    bh.consume(DeltaCodec.encode(m.delta()));
    bh.consume(DeltaCodec.encode(m.state()));
  }

  /**
   * Decode the stored state, parse, apply, encode delta and new state: a full read-modify-write
   * of the stored bytes, comparable with {@link NaiveJsonRmw#readModifyWrite}.
   */
  @Benchmark
  public void storedReadApplyWrite(Blackhole bh) {
    RecordState stored = DeltaCodec.decode(storedState);
    WriteIntent intent = IntentParser.parseStructured(nextEvent());
    RecordState.Mutation m =
        stored.apply(intent.key().entity(), intent.ops(), BenchData.LOCAL_REPLICA,
            BenchData.hlc(++tick), BenchData.SCHEMAS);
    bh.consume(DeltaCodec.encode(m.delta()));
    bh.consume(DeltaCodec.encode(m.state()));
  }
}
