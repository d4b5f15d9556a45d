package dev.syncline.e2e;

import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.RecordView;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.memory.InMemoryConflictSink;
import dev.syncline.core.memory.InProcessPeerClient;
import dev.syncline.core.memory.ManualClock;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Replicas in one process on the core's in-memory adapters, linked by an in-process peer client
 * whose links can be cut. Time is a counter the caller advances, so nothing sleeps.
 */
public final class LocalCluster {

  /** One replica: its engine, drain, stores and signals. */
  public static final class Replica {
    public final String id;
    public final InMemoryRecordStore records = new InMemoryRecordStore();
    public final InMemoryMetrics metrics = new InMemoryMetrics();
    public final InMemoryConflictSink conflicts = new InMemoryConflictSink();
    public final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();
    public final SyncEngine engine;
    public final OutboxDrain drain;

    Replica(String id, List<Peer> peers, ManualClock clock, PeerClient links) {
      this.id = id;
      engine = new SyncEngine(ReplicaConfig.of(id, peers), records, new InMemoryDedupeStore(),
          new HybridLogicalClock(clock, Duration.ofMinutes(5).toMillis()), metrics, conflicts,
          ConflictHandler.KEEP_SIBLINGS);
      drain = new OutboxDrain(id, peers, records, links, deadLetters, clock, metrics,
          new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10)), Duration.ofDays(7), new SplittableRandom(id.hashCode()));
    }
  }

  private final ManualClock clock;
  private final Map<String, Replica> replicas = new LinkedHashMap<>();
  private final Set<String> cutOff = InProcessPeerClient.newLinkState();

  public LocalCluster(long startMillis, String... ids) {
    this.clock = new ManualClock(startMillis);
    for (String id : ids) {
      List<Peer> peers = new ArrayList<>();
      for (String other : ids) {
        if (!other.equals(id)) {
          peers.add(new Peer(other, URI.create("https://" + other + ".local.invalid")));
        }
      }
      replicas.put(id, new Replica(id, peers, clock, linksFrom(id)));
    }
  }

  private PeerClient linksFrom(String from) {
    return new InProcessPeerClient(from, id -> replicas.get(id).engine, cutOff);
  }

  public Replica replica(String id) {
    return replicas.get(id);
  }

  public List<Replica> replicas() {
    return List.copyOf(replicas.values());
  }

  /** Publishes a structured-mode intent to one replica's bus (here: straight to its engine). */
  public ApplyOutcome publish(String replica, byte[] structuredIntent) {
    return replicas.get(replica).engine.applyIntent(IntentParser.parseStructured(structuredIntent));
  }

  public void cutOff(String replica) {
    cutOff.add(replica);
  }

  public void heal() {
    cutOff.clear();
  }

  public void advance(Duration d) {
    clock.advance(d);
  }

  /** One scheduled drain pass on every replica. @return changes still pending everywhere */
  public int drainAll() {
    int pending = 0;
    for (Replica r : replicas.values()) {
      pending += r.drain.drainPending(1_000).pending();
    }
    return pending;
  }

  /** Drains, advancing time by a second per pass, until nothing is pending or passes run out. */
  public int drainUntilSettled(int maxPasses) {
    int pending = drainAll();
    for (int pass = 1; pending > 0 && pass < maxPasses; pass++) {
      advance(Duration.ofSeconds(1));
      pending = drainAll();
    }
    return pending;
  }

  /** Every record key any replica holds. */
  public Set<RecordKey> keys() {
    Set<RecordKey> keys = new TreeSet<>();
    replicas.values().forEach(r -> keys.addAll(r.records.keys()));
    return keys;
  }

  /** The view JSON of a record at one replica, or "(absent)". */
  public String viewJson(String replica, RecordKey key) {
    return replicas.get(replica).engine.view(key)
        .map(v -> new String(ViewCodec.encode(v), StandardCharsets.UTF_8))
        .orElse("(absent)");
  }

  /** True if every replica shows every record byte for byte the same. */
  public boolean converged() {
    for (RecordKey key : keys()) {
      Set<String> distinct = new HashSet<>();
      replicas.keySet().forEach(id -> distinct.add(viewJson(id, key)));
      if (distinct.size() != 1) {
        return false;
      }
    }
    return true;
  }

  public RecordView view(String replica, RecordKey key) {
    return replicas.get(replica).engine.view(key).orElseThrow();
  }
}
