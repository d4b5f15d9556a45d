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

/**
 * The steps of {@link SynclineApply} measured one at a time on the same workload ({@link
 * BenchData}), to show where an intent's time goes. Each returns its result (JMH sinks it).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class SynclineApplyParts {

  private RecordState record;
  private byte[] storedState;
  private byte[][] events;
  private WriteIntent[] intents;
  private RecordState.Mutation[] mutations;
  private int next;
  private long tick;

  @Setup(Level.Trial)
  public void setUp() {
    record = BenchData.record();
    storedState = DeltaCodec.encode(record);
    events = BenchData.intentEvents();
    intents = new WriteIntent[events.length];
    mutations = new RecordState.Mutation[events.length];
    for (int n = 0; n < events.length; n++) {
      intents[n] = IntentParser.parseStructured(events[n]);
      mutations[n] =
          record.apply(BenchData.ENTITY, intents[n].ops(), BenchData.LOCAL_REPLICA,
              BenchData.hlc(n), BenchData.SCHEMAS);
    }
  }

  private int nextIndex() {
    return next++ & (BenchData.EVENT_VARIANTS - 1);
  }

  /** CloudEvent bytes to a validated intent (CloudEvents SDK + op parsing + canonical values). */
  @Benchmark
  public WriteIntent parseIntent() {
    return IntentParser.parseStructured(events[nextIndex()]);
  }

  /** {@link RecordState#apply} of an already parsed intent's ops. */
  @Benchmark
  public RecordState.Mutation applyOps() {
    return record.apply(BenchData.ENTITY, intents[nextIndex()].ops(), BenchData.LOCAL_REPLICA,
        BenchData.hlc(++tick), BenchData.SCHEMAS);
  }

  /** {@link DeltaCodec#encode} of the intent's delta. */
  @Benchmark
  public byte[] encodeDelta() {
    return DeltaCodec.encode(mutations[nextIndex()].delta());
  }

  /** {@link DeltaCodec#encode} of the whole new record state (the store write's payload). */
  @Benchmark
  public byte[] encodeState() {
    return DeltaCodec.encode(mutations[nextIndex()].state());
  }

  /** {@link DeltaCodec#decode} of the stored record state (the store read's payload). */
  @Benchmark
  public RecordState decodeState() {
    return DeltaCodec.decode(storedState);
  }
}
