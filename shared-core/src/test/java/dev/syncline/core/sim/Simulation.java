package dev.syncline.core.sim;

import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.contract.DyingDedupeStore;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.memory.InMemoryConflictSink;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic simulation of replicas over a faulty network (DESIGN section 10). One seed
 * decides everything: which intents are published where and when, clock skews of up to +-5
 * minutes, drops, duplicates, reorders and delays of changes, partitions, lost acknowledgements,
 * and processes that die before or right after their store write. Time is simulated and the run
 * is single-threaded, so a seed replays exactly.
 *
 * <p>After the chaos phase the faults stop ("heal"); the bus keeps redelivering unacknowledged
 * intents and the drains keep running until nothing is pending. Then {@link #check} demands:
 * identical states and view bytes everywhere, every intent present (nothing acknowledged lost),
 * and every audited counter exact.
 */
final class Simulation {

  static final long START = 1_764_158_400_000L;
  private static final long CHAOS_MILLIS = 120_000;
  private static final long DRAIN_EVERY = 1_000;
  private static final long GIVE_UP_AFTER = 6 * 3_600_000L;
  private static final String[] IDS = {"aws-us-east-1", "azure-eastus", "gcp-us-east4"};

  private final long seed;
  private final SplittableRandom random;
  private long now = START;
  private boolean healed;
  private long sequence;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Set<String> cutOff = new HashSet<>();
  private final List<WriteIntent> published = new ArrayList<>();
  private final Set<String> acknowledged = new HashSet<>();
  private final Map<RecordKey, Long> expectedSums = new TreeMap<>();
  private final Map<RecordKey, Set<String>> expectedLog = new TreeMap<>();
  private int pendingDelayed;
  final Stats stats = new Stats();

  /** Counts of what the run did, printed with a failure and summed by the test. */
  static final class Stats {
    int intents, deliveries, duplicatesDelivered, crashes, dropped, strayCopies, partitions, lostAcks;

    @Override
    public String toString() {
      return "intents=" + intents + " deliveries=" + deliveries + " duplicateDeliveries=" + duplicatesDelivered
          + " crashes=" + crashes + " dropped=" + dropped + " strayCopies=" + strayCopies
          + " partitions=" + partitions + " lostAcks=" + lostAcks;
    }
  }

  /** A process dying mid-call: an Error, so that no cleanup code in the engine runs. */
  static final class Crash extends Error {
    Crash() {
      super("simulated crash", null, false, false);
    }
  }

  private abstract class Event implements Comparable<Event> {
    final long at;
    final long order = sequence++;

    Event(long at) {
      this.at = at;
    }

    abstract void run();

    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }
  }

  private final class Node {
    final String id;
    final long skew;
    final InMemoryRecordStore records = new InMemoryRecordStore();
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final SyncEngine engine;
    final OutboxDrain drain;

    Node(String id) {
      this.id = id;
      this.skew = random.nextLong(-300_000, 300_001);
      Clock clock = () -> now + skew;
      List<Peer> peers = new ArrayList<>();
      for (String other : IDS) {
        if (!other.equals(id)) {
          peers.add(new Peer(other, URI.create("https://" + other + ".sim.invalid")));
        }
      }
      RecordStore store = new FaultyRecordStore(records);
      engine =
          new SyncEngine(
              ReplicaConfig.of(id, peers),
              store,
              new DyingDedupeStore(new InMemoryDedupeStore(), () -> chance(0.05), Crash::new),
              new HybridLogicalClock(clock, 300_000),
              metrics,
              new InMemoryConflictSink(),
              ConflictHandler.KEEP_SIBLINGS);
      drain =
          new OutboxDrain(
              id, peers, store, new Network(id), new InMemoryDeadLetterSink(), clock, metrics,
              new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofDays(7),
              new SplittableRandom(random.nextLong()));
    }
  }

  Simulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** Runs the whole scenario; returns after everything is delivered or the time limit passes. */
  Simulation run() {
    for (String id : IDS) {
      nodes.put(id, new Node(id));
    }
    for (String id : IDS) {
      schedule(new DrainTick(id, START + random.nextLong(DRAIN_EVERY)));
    }
    publishIntents();
    schedulePartitions();
    while (!queue.isEmpty()) {
      Event next = queue.poll();
      now = next.at;
      if (!healed && now >= START + CHAOS_MILLIS) {
        healed = true;
        cutOff.clear();
      }
      if (healed && quiescent()) {
        break;
      }
      if (now > START + CHAOS_MILLIS + GIVE_UP_AFTER) {
        throw new AssertionError("did not settle " + GIVE_UP_AFTER / 3_600_000 + " h after healing");
      }
      next.run();
    }
    return this;
  }

  private boolean quiescent() {
    if (acknowledged.size() < published.size() || pendingDelayed > 0) {
      return false;
    }
    for (Node n : nodes.values()) {
      if (!n.records.withDueOutbox(Long.MAX_VALUE, 1).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void schedule(Event e) {
    queue.add(e);
  }

  private boolean chance(double p) {
    return !healed && random.nextDouble() < p;
  }

  // ---- workload -----------------------------------------------------------------------------

  private void publishIntents() {
    int count = 20 + random.nextInt(41);
    List<RecordKey> audited = List.of(new RecordKey("account", "a1"), new RecordKey("account", "a2"));
    List<RecordKey> chaotic = List.of(new RecordKey("user", "u1"), new RecordKey("user", "u2"));
    for (int i = 0; i < count; i++) {
      String replica = IDS[random.nextInt(IDS.length)];
      long at = START + random.nextLong(CHAOS_MILLIS);
      String id = "intent-" + i;
      WriteIntent intent;
      if (random.nextBoolean()) {
        RecordKey key = audited.get(random.nextInt(audited.size()));
        long by = random.nextLong(-50, 101);
        intent = new WriteIntent("/sim/app", id, key,
            List.of(new Op.Incr("balance", by), new Op.Add("log", JsonValue.ofString(id)),
                new Op.Set("last", JsonValue.ofString(id))));
        expectedSums.merge(key, by, Long::sum);
        expectedLog.computeIfAbsent(key, k -> new TreeSet<>()).add(id);
      } else {
        RecordKey key = chaotic.get(random.nextInt(chaotic.size()));
        List<Op> ops = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int j = 0; j < n; j++) {
          ops.add(randomOp());
        }
        intent = new WriteIntent("/sim/app", id, key, ops);
      }
      published.add(intent);
      schedule(new IntentDelivery(replica, intent, at));
      stats.intents++;
    }
  }

  private Op randomOp() {
    String[] registers = {"email", "phone", "score"};
    JsonValue element = JsonValue.ofString(new String[] {"x", "y", "z"}[random.nextInt(3)]);
    return switch (random.nextInt(8)) {
      case 0, 1 -> new Op.Set(registers[random.nextInt(3)], JsonValue.ofLong(random.nextInt(100)));
      case 2 -> new Op.Unset(new String[] {"email", "visits", "tags", "score"}[random.nextInt(4)]);
      case 3 -> new Op.Incr(random.nextBoolean() ? "visits" : "score", random.nextLong(-5, 10));
      case 4, 5 -> new Op.Add("tags", element);
      case 6 -> new Op.Remove("tags", element);
      default -> new Op.Delete();
    };
  }

  private void schedulePartitions() {
    int partitions = random.nextInt(3);
    for (int i = 0; i < partitions; i++) {
      String victim = IDS[random.nextInt(IDS.length)];
      long from = START + random.nextLong(CHAOS_MILLIS);
      long to = Math.min(from + random.nextLong(5_000, 60_000), START + CHAOS_MILLIS);
      schedule(new Event(from) {
        @Override
        void run() {
          if (!healed) {
            cutOff.add(victim);
            stats.partitions++;
          }
        }
      });
      schedule(new Event(to) {
        @Override
        void run() {
          cutOff.remove(victim);
        }
      });
    }
  }

  // ---- the bus: at-least-once delivery of intents ----------------------------------------

  private final class IntentDelivery extends Event {
    final String replica;
    final WriteIntent intent;

    IntentDelivery(String replica, WriteIntent intent, long at) {
      super(at);
      this.replica = replica;
      this.intent = intent;
    }

    @Override
    void run() {
      stats.deliveries++;
      ApplyOutcome outcome;
      try {
        outcome = nodes.get(replica).engine.applyIntent(intent);
      } catch (Crash crash) {
        stats.crashes++;
        redeliver(1_000 + random.nextLong(20_000));
        return;
      } catch (SynclineException e) {
        if (!e.isTransient()) {
          throw e;
        }
        redeliver(1_000 + random.nextLong(5_000));
        return;
      }
      if (outcome instanceof ApplyOutcome.InProgress busy) {
        redeliver(busy.retryAfterMillis() + random.nextLong(1_000));
        return;
      }
      if (outcome instanceof ApplyOutcome.Rejected rejected) {
        throw new AssertionError("simulated intents always fit: " + rejected.reason());
      }
      acknowledged.add(intent.id());
      if (chance(0.15)) {
        stats.duplicatesDelivered++;
        redeliver(random.nextLong(30_000));
      }
    }

    private void redeliver(long after) {
      schedule(new IntentDelivery(replica, intent, now + after));
    }
  }

  private final class DrainTick extends Event {
    final String replica;

    DrainTick(String replica, long at) {
      super(at);
      this.replica = replica;
    }

    @Override
    void run() {
      try {
        nodes.get(replica).drain.drainPending(100);
      } catch (Crash crash) {
        stats.crashes++;
      }
      schedule(new DrainTick(replica, now + DRAIN_EVERY));
    }
  }

  // ---- the network between replicas ---------------------------------------------------------

  private final class Network implements PeerClient {
    final String from;

    Network(String from) {
      this.from = from;
    }

    @Override
    public Delivery deliver(Peer peer, CloudEvent change) {
      if (cutOff.contains(from) || cutOff.contains(peer.replica()) || chance(0.1)) {
        stats.dropped++;
        return new Delivery.Retry("dropped");
      }
      // Through the wire format, binary or structured, as a real peer would receive it.
      HttpMessage wire = ChangeEvents.toStructured(change);
      if (chance(0.1)) {
        stats.strayCopies++;
        pendingDelayed++;
        schedule(new Event(now + random.nextLong(1, 60_000)) {
          @Override
          void run() {
            pendingDelayed--;
            receive(peer.replica(), wire);
          }
        });
      }
      if (!receive(peer.replica(), wire)) {
        return new Delivery.Retry("peer died before answering");
      }
      if (chance(0.05)) {
        stats.duplicatesDelivered++;
        receive(peer.replica(), wire);
      }
      if (chance(0.05)) {
        stats.lostAcks++;
        return new Delivery.Retry("response lost");
      }
      return new Delivery.Delivered();
    }

    private boolean receive(String to, HttpMessage wire) {
      try {
        nodes.get(to).engine.applyChange(ChangeEvents.read(dev.syncline.core.json.Json.readCloudEvent(wire.body())));
        return true;
      } catch (Crash crash) {
        stats.crashes++;
        return false;
      }
    }
  }

  // ---- stores that die before or right after a write ----------------------------------------

  private final class FaultyRecordStore implements RecordStore {
    final RecordStore delegate;

    FaultyRecordStore(RecordStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Versioned> load(RecordKey key) {
      return delegate.load(key);
    }

    @Override
    public long write(RecordKey key, StoredRecord record, long expectedVersion) {
      if (chance(0.03)) {
        throw new Crash();
      }
      long version = delegate.write(key, record, expectedVersion);
      if (chance(0.05)) {
        throw new Crash();
      }
      return version;
    }

    @Override
    public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
      return delegate.withDueOutbox(nowMillis, limit);
    }
  }

  // ---- the verdict ----------------------------------------------------------------------------

  /** Throws an AssertionError naming the first broken invariant. */
  void check() {
    Node first = nodes.get(IDS[0]);
    Set<RecordKey> keys = new TreeSet<>();
    nodes.values().forEach(n -> keys.addAll(n.records.keys()));
    for (RecordKey key : keys) {
      RecordState reference = stateAt(first, key);
      byte[] view = ViewCodec.encode(reference.view(key));
      for (Node n : nodes.values()) {
        RecordState state = stateAt(n, key);
        if (first.engine.view(key).isPresent() != n.engine.view(key).isPresent()) {
          throw new AssertionError(key + " is visible at " + first.id + " xor " + n.id);
        }
        if (!state.equals(reference) || !Arrays.equals(ViewCodec.encode(state.view(key)), view)) {
          throw new AssertionError("diverged on " + key + ": " + first.id + " shows "
              + new String(view, java.nio.charset.StandardCharsets.UTF_8) + " but " + n.id + " shows "
              + new String(ViewCodec.encode(state.view(key)), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    if (acknowledged.size() != published.size()) {
      throw new AssertionError("only " + acknowledged.size() + " of " + published.size() + " intents were acknowledged");
    }
    for (Map.Entry<RecordKey, Long> e : expectedSums.entrySet()) {
      var fields = first.records.load(e.getKey()).orElseThrow().record().state().view(e.getKey()).fields();
      JsonValue balance = fields.get("balance");
      if (!JsonValue.ofLong(e.getValue()).equals(balance)) {
        throw new AssertionError("counter " + e.getKey() + ".balance is " + balance + ", expected " + e.getValue());
      }
      Set<String> logged = new TreeSet<>();
      fields.get("log").toNode().forEach(v -> logged.add(v.asText()));
      Set<String> lost = new TreeSet<>(expectedLog.get(e.getKey()));
      lost.removeAll(logged);
      if (!lost.isEmpty() || !logged.equals(expectedLog.get(e.getKey()))) {
        throw new AssertionError("lost intents on " + e.getKey() + ": " + lost + ", logged " + logged);
      }
    }
  }

  /** A record never written is the empty state (an intent that changed nothing leaves it so). */
  private static RecordState stateAt(Node n, RecordKey key) {
    return n.records.load(key).map(v -> v.record().state()).orElse(RecordState.EMPTY);
  }

  long seed() {
    return seed;
  }
}
