package dev.syncline.core.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Baseline: Pekko distributed-data CRDT merges of the same size as the record of {@link
 * BenchData}, no ActorSystem needed (node identities are plain {@link UniqueAddress} values).
 *
 * <ul>
 *   <li>{@link #lwwMapMerge}: an {@code LWWMap<String,String>} with {@value
 *       BenchData#RECORD_STRING_FIELDS} entries of {@value BenchData#VALUE_CHARS}-character values
 *       (the record's register fields), written by {@value BenchData#REPLICA_COUNT} nodes with
 *       the same history as the record; replica B updated one entry. Replica A merges B.
 *   <li>{@link #orSetMerge}: an {@code ORSet<String>} with {@value BenchData#RECORD_SET_SIZE}
 *       elements (the record's {@code tags}), added round-robin by the nodes; replica B added one
 *       more. Replica A merges B.
 * </ul>
 *
 * <p>A and B are built independently (equal contents, distinct objects, a deterministic LWW
 * clock), so Pekko's {@code FastMerge} shortcut, which only fires when one side was derived from
 * the other in the same JVM, never applies: every merge does the full work, as it would for
 * state received from another node. The record's two counters have no counterpart here; compare
 * {@link SynclineMerge#joinState} with the sum of both merges.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class PekkoDdataMerge {

  private LWWMap<String, String> mapA;
  private LWWMap<String, String> mapB;
  private ORSet<String> setA;
  private ORSet<String> setB;

  @Setup(Level.Trial)
  public void setUp() {
    // Pekko's jars are on the plain classpath (no shading): their reference.conf files merge.
    Config config = ConfigFactory.load();
    BenchData.check(config.hasPath("pekko.cluster.distributed-data.name")
        && config.hasPath("pekko.actor.provider"), "pekko reference.conf not on the classpath");

    SelfUniqueAddress[] nodes = new SelfUniqueAddress[BenchData.REPLICA_COUNT];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new SelfUniqueAddress(
          new UniqueAddress(new Address("pekko", "syncline", BenchData.REPLICAS[i], 25520), i + 1L));
    }
    mapA = history(nodes);
    mapB = history(nodes).put(nodes[2], "field03", BenchData.value(7777), clock(1_000_000));
    setA = tags(nodes);
    setB = tags(nodes).add(nodes[1], BenchData.tag(BenchData.RECORD_SET_SIZE));
    BenchData.check(mapA.size() == BenchData.RECORD_STRING_FIELDS, "LWWMap size");
    BenchData.check(setA.size() == BenchData.RECORD_SET_SIZE, "ORSet size");
    BenchData.check(mapA.merge(mapB).entries().equals(mapB.entries()), "LWWMap merge result");
    BenchData.check(setA.merge(setB).size() == BenchData.RECORD_SET_SIZE + 1, "ORSet merge result");
  }

  /** The record's register history: the same puts as {@link BenchData#record()}'s sets. */
  private static LWWMap<String, String> history(SelfUniqueAddress[] nodes) {
    LWWMap<String, String> map = LWWMap.empty();
    int fieldCursor = 0;
    for (int i = 0; i < BenchData.HISTORY_INTENTS; i++) {
      for (int k = 0; k < 4; k++) {
        int f = fieldCursor++ % BenchData.RECORD_STRING_FIELDS;
        map = map.put(nodes[i % nodes.length], BenchData.fieldName(f),
            BenchData.value(1000 + i * 10 + k), clock(i * 10L + k));
      }
    }
    return map;
  }

  private static ORSet<String> tags(SelfUniqueAddress[] nodes) {
    ORSet<String> set = ORSet.empty();
    for (int i = 0; i < BenchData.RECORD_SET_SIZE; i++) {
      set = set.add(nodes[i % nodes.length], BenchData.tag(i));
    }
    return set;
  }

  /** A deterministic LWW clock: the given timestamp, never the system time. */
  private static LWWRegister.Clock<String> clock(long timestamp) {
    return (current, value) -> 1_764_158_400_000L + timestamp;
  }

  @Benchmark
  public LWWMap<String, String> lwwMapMerge() {
    return mapA.merge(mapB);
  }

  @Benchmark
  public ORSet<String> orSetMerge() {
    return setA.merge(setB);
  }
}
