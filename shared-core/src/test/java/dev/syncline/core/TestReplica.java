package dev.syncline.core;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.memory.InProcessPeerClient;
import dev.syncline.core.memory.InMemoryConflictSink;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.DedupeStore;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import dev.syncline.core.port.RecordStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test helper: one replica wired on in-memory ports, with a settable clock and an in-process
 * peer client that hands changes straight to the other replicas' engines.
 */
public final class TestReplica {

  public final String id;
  public final AtomicLong time;
  public final InMemoryRecordStore records = new InMemoryRecordStore();
  public final InMemoryDedupeStore dedupe = new InMemoryDedupeStore();
  public final InMemoryMetrics metrics = new InMemoryMetrics();
  public final InMemoryConflictSink conflicts = new InMemoryConflictSink();
  public final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();
  public final SyncEngine engine;
  public final OutboxDrain drain;

  private TestReplica(String id, List<String> peers, AtomicLong time, Map<String, TestReplica> world,
      RecordStore storeOverride, DedupeStore dedupeOverride, ConflictHandler handler) {
    this.id = id;
    this.time = time;
    Clock clock = time::get;
    List<Peer> peerList = new ArrayList<>();
    peers.forEach(p -> peerList.add(new Peer(p, URI.create("https://" + p + ".invalid"))));
    ReplicaConfig config = ReplicaConfig.of(id, peerList);
    this.engine =
        new SyncEngine(
            config,
            storeOverride != null ? storeOverride : records,
            dedupeOverride != null ? dedupeOverride : dedupe,
            new HybridLogicalClock(clock, Duration.ofMinutes(5).toMillis()),
            metrics,
            conflicts,
            handler);
    PeerClient inProcess =
        new InProcessPeerClient(id, replica -> world.get(replica).engine, InProcessPeerClient.newLinkState());
    this.drain =
        new OutboxDrain(ReplicaConfig.of(id, peerList), storeOverride != null ? storeOverride : records, inProcess, deadLetters, clock,
            metrics, Backoff.standard(), Duration.ofDays(7), new SplittableRandom(1));
  }

  /** Three replicas that forward to each other in process. */
  public static Map<String, TestReplica> mesh(AtomicLong time, String... ids) {
    return mesh(time, ConflictHandler.KEEP_SIBLINGS, ids);
  }

  /** Replicas that forward to each other in process and resolve conflicts with {@code handler}. */
  public static Map<String, TestReplica> mesh(AtomicLong time, ConflictHandler handler, String... ids) {
    Map<String, TestReplica> world = new java.util.TreeMap<>();
    for (String id : ids) {
      List<String> peers = new ArrayList<>(List.of(ids));
      peers.remove(id);
      world.put(id, new TestReplica(id, peers, time, world, null, null, handler));
    }
    return world;
  }

  /** A lone replica with peers that are never reached, over the given stores. */
  public static TestReplica alone(String id, AtomicLong time, RecordStore records, DedupeStore dedupe) {
    return new TestReplica(id, List.of(), time, Map.of(), records, dedupe, ConflictHandler.KEEP_SIBLINGS);
  }
}
