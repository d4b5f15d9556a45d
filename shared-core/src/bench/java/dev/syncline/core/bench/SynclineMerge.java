package dev.syncline.core.bench;

import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.DeltaCodec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Syncline's own merge ({@link RecordState#join}) on the record of {@link BenchData}, the
 * counterpart of {@link PekkoDdataMerge}: replica A holds the record; replica B holds an
 * independently built equal copy in which replica {@code gcp-us-east4} then updated one field
 * ({@code field03}, a {@value BenchData#VALUE_CHARS}-character string).
 *
 * <ul>
 *   <li>{@link #joinState}: A joins B's whole state (full-state merge, as Pekko's {@code merge}).
 *   <li>{@link #joinDelta}: A joins only B's delta (what a peer merges on a replicated change).
 *   <li>{@link #decodeAndJoinDelta}: the same from the delta's bytes (the peer's receive path
 *       without HTTP and signature checks).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class SynclineMerge {

  private RecordState replicaA;
  private RecordState replicaB;
  private RecordState deltaB;
  private byte[] deltaBytes;

  @Setup(Level.Trial)
  public void setUp() {
    replicaA = BenchData.record();
    RecordState.Mutation update =
        BenchData.record()
            .apply(BenchData.ENTITY,
                List.of(new Op.Set("field03", JsonValue.ofString(BenchData.value(7777)))),
                BenchData.REPLICAS[2], BenchData.hlc(0), BenchData.SCHEMAS);
    replicaB = update.state();
    deltaB = update.delta();
    deltaBytes = DeltaCodec.encode(deltaB);
    BenchData.check(replicaA.join(replicaB).equals(replicaA.join(deltaB)), "delta and state joins agree");
  }

  @Benchmark
  public RecordState joinState() {
    return replicaA.join(replicaB);
  }

  @Benchmark
  public RecordState joinDelta() {
    return replicaA.join(deltaB);
  }

  @Benchmark
  public RecordState decodeAndJoinDelta() {
    return replicaA.join(DeltaCodec.decode(deltaBytes));
  }
}
