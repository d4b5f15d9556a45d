package dev.syncline.core.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.Replica;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.contract.DyingDedupeStore;
import dev.syncline.core.contract.StoreSnapshot;
import dev.syncline.core.crdt.AwSet;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.Register;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.event.StoredRecordCodec;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.http.Problem;
import dev.syncline.core.http.WebhookSignature;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.json.Json;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Subscriber;
import dev.syncline.core.port.Versioned;
import dev.syncline.core.repair.AntiEntropy;
import dev.syncline.core.repair.RecordDigest;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic simulation of three replicas (DESIGN section 10), wired exactly as the clouds
 * wire them ({@link Replica#builder}) and talking through the real path: intents enter through
 * {@code IntentDelivery} (the bus path) or the signed {@code IngressHandler}; changes leave through
 * {@code OutboxDrain} and {@code HttpPeerClient} (structured-mode encoding, Standard Webhooks
 * signature with the receiver's secret) and arrive at the peer's {@code IngressHandler} (size
 * limit, signature, parsing, bounds, answers), whose status the drain handles as in production.
 * Only the socket is replaced: the transport hands the signed request to the peer's ingress in the
 * same thread. One seed decides everything; time is simulated; a seed replays exactly.
 *
 * <p>Faults: clock skew (within the signature window), dropped, duplicated, delayed and reordered
 * requests, 5xx answers, lost answers, partitions, processes dying before or right after a store
 * write or before completing an intent's dedupe, bus redeliveries, and writers that commit between
 * a drain's load and its write (an interleaving scheduler). Values are hostile: exact decimals,
 * big and edge numbers, unicode, nesting, values near the record limit. An attacker replays
 * captured requests (to another replica, in binary mode, against another path) and sends changes
 * stamped at the end of time. Some seeds write thousands of times to one hot record; some keep a
 * replica down past the outbox's max age.
 *
 * <p>The verdict ({@link #check}) compares every replica against an independent model of what was
 * acknowledged ({@link SimModel}), and every replica against the others.
 */
final class Simulation {

  static final long START = 1_764_158_400_000L;
  private static final long CHAOS_MILLIS = 60_000;
  private static final long DRAIN_EVERY = 1_000;
  private static final long GIVE_UP_AFTER = 6 * 3_600_000L;
  private static final long MAX_AGE = Duration.ofDays(7).toMillis();
  private static final String[] IDS = {"aws-us-east-1", "azure-eastus", "gcp-us-east4"};
  private static final String SOURCE = "/sim/app";
  /** Every replica's one change-feed subscriber. */
  private static final String FEED = "feed";
  private static final String TRACE = System.getProperty("syncline.sim.trace");
  /** Anti-entropy every 10 s of simulated time, 64 buckets a round: a cycle over every bucket in 160 s. */
  private static final long AE_EVERY = 10_000;
  private static final AntiEntropy.Settings AE =
      new AntiEntropy.Settings(64, 100, Duration.ofMillis(AE_EVERY), 5_000, Duration.ofSeconds(2));
  /** Anti-entropy rounds a replica may need, once healed, before every replica holds the same: 3 cycles. */
  static final int AE_ROUNDS_BOUND = 3 * RecordDigest.BUCKETS / 64;

  /** The largest outbox entry and stored record any run may produce, encoded. */
  static final int ENTRY_BOUND = 16 * 1024;
  static final int RECORD_BOUND = Limits.MAX_STORED_BYTES;

  /** What kind of run a seed makes. */
  enum Kind {
    /** Two chaos phases around a barrier with destructive ops, failover retries and limit probes. */
    NORMAL,
    /** As NORMAL, plus thousands of writes to one record with writers racing every drain. */
    HOT,
    /**
     * One replica cut off for longer than the max age: its peers dead-letter what they owe it, and
     * anti-entropy heals it once it is back.
     */
    OUTAGE,
    /** Two replicas run the first phase alone; the third joins with empty stores at the barrier. */
    JOIN
  }

  private final long seed;
  private final Kind kind;
  private final SplittableRandom random;
  private final SimValues values;
  private long now = START;
  private boolean faults = true;
  private long sequence;
  private int nesting;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Set<String> cutOff = new HashSet<>();
  private final SimModel model = new SimModel();
  private final Set<String> unacknowledged = new TreeSet<>();
  private final List<Object> writtenValues = new ArrayList<>();
  private final List<Object> refusedValues = new ArrayList<>();
  private int pendingDelayed;
  /** Intent deliveries scheduled and not run yet, redeliveries of acknowledged ones included. */
  private int pendingIntents;
  private String outageVictim;
  /** The replicas wired into the mesh; in JOIN seeds the third joins at the barrier. */
  private final List<String> active = new ArrayList<>();
  /**
   * Since when, after the last heal, no intent is pending and no outbox owes anything: from then
   * on only anti-entropy can make the replicas agree, and its rounds count towards the bound.
   */
  private long settledAt = Long.MAX_VALUE;
  /**
   * Dedupe keys of intents whose change never reached some peer: the outbox entry carrying them
   * was lost, or the change was refused. Their writes still arrive (anti-entropy, or a later
   * change whose dots cover them), but their keys need not; a failover retry of one of them is
   * outside what Syncline promises (a duplicate once the origin's change has arrived), so the
   * simulation does not make one.
   */
  private final Set<String> keysNeverSent = new HashSet<>();
  /** Anti-entropy rounds each replica ran since {@link #settledAt}. */
  private final Map<String, Long> roundsSinceHeal = new TreeMap<>();
  private Captured captured;
  final Stats stats = new Stats();

  /** Counts of what the run did, printed with a failure and summed by the test. */
  static final class Stats {
    long intents, deliveries, duplicatesDelivered, crashes, dropped, strayCopies, partitions, lostAcks, errors5xx,
        interleavings, attacks, refused, deadLetters, failoverDuplicates, viaIngress, splitParts, hotWrites;
    long lostEntries, refusedChanges, joins, aeRounds, aeRepaired, aeBytes, aeRepairBytes, aeRoundsAfterHeal;
    long maxEntryBytes, maxRecordBytes, feedEvents;

    void add(Stats s) {
      feedEvents += s.feedEvents;
      intents += s.intents;
      deliveries += s.deliveries;
      duplicatesDelivered += s.duplicatesDelivered;
      crashes += s.crashes;
      dropped += s.dropped;
      strayCopies += s.strayCopies;
      partitions += s.partitions;
      lostAcks += s.lostAcks;
      errors5xx += s.errors5xx;
      interleavings += s.interleavings;
      attacks += s.attacks;
      refused += s.refused;
      deadLetters += s.deadLetters;
      failoverDuplicates += s.failoverDuplicates;
      viaIngress += s.viaIngress;
      splitParts += s.splitParts;
      hotWrites += s.hotWrites;
      lostEntries += s.lostEntries;
      refusedChanges += s.refusedChanges;
      joins += s.joins;
      aeRounds += s.aeRounds;
      aeRepaired += s.aeRepaired;
      aeBytes += s.aeBytes;
      aeRepairBytes += s.aeRepairBytes;
      aeRoundsAfterHeal = Math.max(aeRoundsAfterHeal, s.aeRoundsAfterHeal);
      maxEntryBytes = Math.max(maxEntryBytes, s.maxEntryBytes);
      maxRecordBytes = Math.max(maxRecordBytes, s.maxRecordBytes);
    }

    @Override
    public String toString() {
      return "intents=" + intents + " deliveries=" + deliveries + " viaIngress=" + viaIngress + " hotWrites=" + hotWrites
          + " duplicateDeliveries=" + duplicatesDelivered + " crashes=" + crashes + " dropped=" + dropped
          + " strayCopies=" + strayCopies + " partitions=" + partitions + " lostAcks=" + lostAcks + " errors5xx=" + errors5xx
          + " interleavings=" + interleavings + " attacks=" + attacks + " refused=" + refused + " deadLetters=" + deadLetters
          + " failoverDuplicates=" + failoverDuplicates + " splitParts=" + splitParts
          + " lostOutboxEntries=" + lostEntries + " refusedChanges=" + refusedChanges + " joins=" + joins
          + " aeRounds=" + aeRounds + " aeRepaired=" + aeRepaired + " aeBytes=" + aeBytes
          + " aeRepairBytesPerRecord=" + (aeRepaired == 0 ? 0 : aeRepairBytes / aeRepaired) + " maxAeRoundsAfterHeal=" + aeRoundsAfterHeal
          + " maxOutboxEntryBytes=" + maxEntryBytes + " maxRecordBytes=" + maxRecordBytes + " feedEvents=" + feedEvents;
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

  private record Captured(String from, String to, HttpRequest request) {}

  private final class Node {
    final String id;
    final long skew;
    final String secret;
    final InMemoryRecordStore records = new InMemoryRecordStore();
    final InMemoryMetrics metrics = new InMemoryMetrics();
    final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();
    /** This replica's change-feed subscriber: its secret, and every view it took, by subject. */
    final String feedSecret;
    final Map<String, Set<JsonNode>> feed = new HashMap<>();
    Replica replica;

    Node(String id) {
      this.id = id;
      // Within the signature window: two clocks at most 3 min 40 s apart, plus up to a minute of
      // network delay, stay inside the 5 minutes a signature is good for.
      this.skew = random.nextLong(-110_000, 110_001);
      byte[] key = new byte[32];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) random.nextInt(256);
      }
      this.secret = "whsec_" + Base64.getEncoder().encodeToString(key);
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) random.nextInt(256);
      }
      this.feedSecret = "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** Wires this replica with the other active replicas as peers (a redeploy keeps its stores). */
    void wire() {
      List<Peer> peers = new ArrayList<>();
      Map<String, String> peerSecrets = new TreeMap<>();
      for (String other : active.contains(id) ? active : List.<String>of()) {
        if (!other.equals(id)) {
          peers.add(new Peer(other, URI.create("https://" + other + ".sim.invalid")));
          peerSecrets.put(other, nodes.get(other).secret);
        }
      }
      peerSecrets.put(FEED, feedSecret);
      replica = Replica.builder(id)
          .peers(peers)
          .subscribers(List.of(new Subscriber(FEED, URI.create("https://" + FEED + "-" + id + ".sim.invalid/hook"))))
          .secrets(new SigningSecrets(List.of(secret), peerSecrets))
          .retry(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .stores(new FaultyRecordStore(this), new DyingDedupeStore(new InMemoryDedupeStore(), () -> chance(0.05), Crash::new),
              deadLetters)
          .clock(() -> now + skew)
          .metrics(metrics)
          .transport(new Transport(id))
          .sends(Runnable::run)
          .jitter(new SplittableRandom(random.nextLong()))
          .antiEntropy(AE)
          .build();
    }
  }

  Simulation(long seed, Kind kind) {
    this.seed = seed;
    this.kind = kind;
    this.random = new SplittableRandom(seed);
    this.values = new SimValues(new SplittableRandom(seed * 31 + 7));
  }

  // ---- the run ---------------------------------------------------------------------------------

  private enum Phase { CHAOS1, HEAL1, CHAOS2, HEAL2, DONE }

  private Phase phase = Phase.CHAOS1;
  private long phaseEnd;

  /** Runs the whole scenario; returns when everything is delivered after the last heal. */
  Simulation run() {
    for (String id : IDS) {
      nodes.put(id, new Node(id));
    }
    active.addAll(Arrays.asList(IDS).subList(0, kind == Kind.JOIN ? 2 : 3));
    nodes.values().forEach(Node::wire);
    for (String id : IDS) {
      schedule(new DrainTick(id, START + random.nextLong(DRAIN_EVERY)));
      schedule(new AntiEntropyTick(id, START + random.nextLong(AE_EVERY)));
    }
    phaseEnd = START + (kind == Kind.OUTAGE ? MAX_AGE + Duration.ofDays(1).toMillis() : CHAOS_MILLIS);
    startChaos(START, 1);
    while (phase != Phase.DONE) {
      Event next = queue.poll();
      if (next == null) {
        throw new AssertionError("nothing left to run in phase " + phase);
      }
      now = next.at;
      next.run();
      advance();
      if (now > phaseEnd + GIVE_UP_AFTER && (phase == Phase.HEAL1 || phase == Phase.HEAL2)) {
        throw new AssertionError("did not settle " + GIVE_UP_AFTER / 3_600_000 + " h after healing (" + phase + ")");
      }
    }
    return this;
  }

  private void advance() {
    switch (phase) {
      case CHAOS1, CHAOS2 -> {
        if (now >= phaseEnd) {
          faults = false;
          cutOff.clear();
          settledAt = Long.MAX_VALUE;
          // The outage seed has one long phase: it checks what the max age dead-lettered.
          phase = phase == Phase.CHAOS1 && kind != Kind.OUTAGE ? Phase.HEAL1 : Phase.HEAL2;
        }
      }
      case HEAL1 -> {
        if (quiescent()) {
          noteRoundsAfterHeal();
          barrier();
          if (kind == Kind.JOIN) {
            join();
          }
          faults = true;
          phase = Phase.CHAOS2;
          phaseEnd = now + CHAOS_MILLIS;
          startChaos(now, 2);
        }
      }
      case HEAL2 -> {
        if (quiescent()) {
          noteRoundsAfterHeal();
          phase = Phase.DONE;
        }
      }
      default -> { }
    }
  }

  private boolean quiescent() {
    // A redelivery of an acknowledged intent may still be on its way: it can apply what a refusal
    // refused before, or die after its write and be redelivered once more.
    if (!unacknowledged.isEmpty() || pendingDelayed > 0 || pendingIntents > 0) {
      settledAt = Long.MAX_VALUE;
      return false;
    }
    for (Node n : nodes.values()) {
      if (!n.records.withDueOutbox(Long.MAX_VALUE, 1).isEmpty()) {
        settledAt = Long.MAX_VALUE;
        return false;
      }
    }
    if (settledAt == Long.MAX_VALUE) {
      settledAt = now;
      roundsSinceHeal.clear();
    }
    // What the outbox lost or dead-lettered, and what a new replica never received, only
    // anti-entropy brings: settled means every active replica holds the same.
    return allAgree();
  }

  private boolean allAgree() {
    Set<RecordKey> keys = new TreeSet<>();
    for (String id : active) {
      keys.addAll(nodes.get(id).records.keys());
    }
    for (RecordKey key : keys) {
      RecordState first = null;
      for (String id : active) {
        RecordState state = stateAt(nodes.get(id), key);
        if (first == null) {
          first = state;
        } else if (!first.equals(state)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Checks and records how many anti-entropy rounds the replicas ran, once the outboxes had
   * settled after healing, before they agreed.
   */
  private void noteRoundsAfterHeal() {
    long most = roundsSinceHeal.values().stream().mapToLong(Long::longValue).max().orElse(0);
    stats.aeRoundsAfterHeal = Math.max(stats.aeRoundsAfterHeal, most);
    if (most > AE_ROUNDS_BOUND) {
      throw new AssertionError("the replicas agreed only after " + most + " anti-entropy rounds since healing; the bound is "
          + AE_ROUNDS_BOUND + " (three cycles)");
    }
  }

  /** The third replica joins with empty stores: every replica is redeployed with the full mesh. */
  private void join() {
    active.clear();
    active.addAll(Arrays.asList(IDS));
    nodes.values().forEach(Node::wire);
    stats.joins++;
  }

  private void schedule(Event e) {
    queue.add(e);
  }

  private boolean chance(double p) {
    return faults && random.nextDouble() < p;
  }

  // ---- the workload ----------------------------------------------------------------------------

  private static final List<String> AUDITED = List.of("account/a1", "account/a2", "edge/e1");
  private static final List<String> CHAOTIC = List.of("user/u1", "user/u2", "blob/b1", "blob/over");
  private static final String HOT = "account/hot";

  private void startChaos(long from, int phaseNumber) {
    long span = kind == Kind.OUTAGE ? CHAOS_MILLIS * 4 : CHAOS_MILLIS;
    int count = 15 + random.nextInt(26);
    for (int i = 0; i < count; i++) {
      long at = from + random.nextLong(span);
      String node = anyActive();
      if (random.nextInt(3) == 0 || kind == Kind.OUTAGE) {
        publishAudited(AUDITED.get(random.nextInt(kind == Kind.OUTAGE ? 2 : AUDITED.size())), node, at);
      } else {
        // Records near the size limit cost the most to encode; they take one intent in ten.
        int r = random.nextInt(20);
        publishChaotic(r == 0 ? "blob/b1" : r == 1 ? "blob/over" : CHAOTIC.get(random.nextInt(2)), node, at);
      }
    }
    if (kind == Kind.HOT && phaseNumber == 1) {
      int writes = 1_000 + random.nextInt(1_001);
      for (int i = 0; i < writes; i++) {
        publishAudited(HOT, anyActive(), from + random.nextLong(span));
      }
    }
    if (kind == Kind.OUTAGE) {
      outageVictim = IDS[random.nextInt(IDS.length)];
      long down = from + random.nextLong(5_000);
      schedule(new Event(down) {
        @Override
        void run() {
          cutOff.add(outageVictim);
          stats.partitions++;
        }
      });
      return;
    }
    int partitions = random.nextInt(3);
    for (int i = 0; i < partitions; i++) {
      String victim = anyActive();
      long start = from + random.nextLong(span);
      long end = Math.min(start + random.nextLong(5_000, 30_000), from + span);
      schedule(new Event(start) {
        @Override
        void run() {
          if (faults) {
            cutOff.add(victim);
            stats.partitions++;
          }
        }
      });
      schedule(new Event(end) {
        @Override
        void run() {
          cutOff.remove(victim);
        }
      });
    }
    for (int i = 0; i < 2; i++) {
      schedule(new Attack(from + random.nextLong(span)));
    }
  }

  private String anyActive() {
    return active.get(random.nextInt(active.size()));
  }

  private String nextId() {
    return "intent-" + stats.intents++;
  }

  /** An intent on an audited record: an increment, a unique tag, a register write. */
  private void publishAudited(String record, String node, long at) {
    String id = nextId();
    BigInteger by = record.startsWith("edge/")
        ? BigInteger.valueOf(random.nextBoolean() ? 1L << 62 : -(1L << 61)).add(BigInteger.valueOf(random.nextInt(1000)))
        : BigInteger.valueOf(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L));
    boolean hot = record.equals(HOT);
    String tag = hot && random.nextInt(10) != 0 ? null : "t-" + id;
    List<Object[]> ops = new ArrayList<>();
    ops.add(new Object[] {"incr", "balance", by});
    if (tag != null) {
      ops.add(new Object[] {"add", "log", tag});
    }
    ops.add(new Object[] {"set", "last", id});
    model.add(new SimModel.Intent(id, record, node, by, tag, id));
    if (hot) {
      stats.hotWrites++;
    }
    publish(node, id, record, ops, at);
  }

  /** An intent on a chaotic record: random ops with hostile values, sometimes near the size limit. */
  private void publishChaotic(String record, String node, long at) {
    String id = nextId();
    List<Object[]> ops = new ArrayList<>();
    int n = record.equals("blob/over") ? 1 : 1 + random.nextInt(3);
    for (int j = 0; j < n; j++) {
      ops.add(chaoticOp(record));
    }
    publish(node, id, record, ops, at);
  }

  private Object[] chaoticOp(String record) {
    if (record.equals("blob/over")) {
      // A value over the record limit, alone in an intent on a record that holds nothing: it must
      // be refused before anything is written, on whichever cloud it arrives.
      return new Object[] {"set", "b", values.ofBytes(Limits.MAX_RECORD_BYTES + 1 + random.nextInt(16 * 1024))};
    }
    if (record.equals("blob/b1")) {
      // Values near the limit: one fits; several, merged from concurrent writers, pass it, and then
      // only removals are taken (either outcome is allowed here).
      int bytes = random.nextBoolean() ? Limits.MAX_RECORD_BYTES - 2_000 - random.nextInt(4_000) : 20_000 + random.nextInt(40_000);
      String field = new String[] {"b1", "b2", "b3"}[random.nextInt(3)];
      return random.nextInt(5) == 0 ? new Object[] {"unset", field, null} : new Object[] {"set", field, values.ofBytes(bytes)};
    }
    String[] registers = {"email", "phone", "score", "profile"};
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> new Object[] {"set", registers[random.nextInt(registers.length)], values.any()};
      case 3 -> new Object[] {"unset", new String[] {"email", "visits", "tags", "score"}[random.nextInt(4)], null};
      case 4 -> new Object[] {"incr", random.nextBoolean() ? "visits" : "score", BigInteger.valueOf(random.nextLong(-5, 10))};
      case 5, 6 -> new Object[] {"add", "tags", values.scalar()};
      case 7 -> new Object[] {"remove", "tags", values.scalar()};
      case 8 -> random.nextInt(20) == 0
          ? new Object[] {"set", "email", new SimValues.LoneSurrogate()}
          : new Object[] {"set", "email", values.string(random.nextInt(20))};
      default -> new Object[] {"delete", null, null};
    };
  }

  /** The structured-mode CloudEvent of an intent, rendered with Jackson's generator. */
  private byte[] intentJson(String id, String record, List<Object[]> ops, String source) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.generator(out)) {
      g.writeStartObject();
      g.writeStringField("specversion", "1.0");
      g.writeStringField("type", WriteIntent.TYPE);
      g.writeStringField("source", source);
      g.writeStringField("id", id);
      g.writeStringField("subject", record);
      g.writeStringField("datacontenttype", "application/json");
      g.writeObjectFieldStart("data");
      g.writeArrayFieldStart("ops");
      for (Object[] op : ops) {
        g.writeStartObject();
        g.writeStringField("op", (String) op[0]);
        if (op[1] != null) {
          g.writeStringField("field", (String) op[1]);
        }
        if (op[0].equals("incr")) {
          g.writeFieldName("by");
          g.writeNumber((BigInteger) op[2]);
        } else if (op[2] != null) {
          g.writeFieldName("value");
          SimValues.write(g, op[2]);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** True for a value every replica must refuse: over the record limit, not Unicode, or too deep. */
  private static boolean mustRefuse(String record, Object value) {
    return record.equals("blob/over") || value instanceof SimValues.LoneSurrogate || SimValues.depth(value) > JsonValue.MAX_DEPTH;
  }

  private void publish(String node, String id, String record, List<Object[]> ops, long at) {
    for (Object[] op : ops) {
      if (op[2] != null && !op[0].equals("incr") && !op[0].equals("delete")) {
        (mustRefuse(record, op[2]) ? refusedValues : writtenValues).add(op[2]);
      }
    }
    byte[] event = intentJson(id, record, ops, SOURCE);
    unacknowledged.add(id);
    schedule(new IntentArrival(node, id, event, at, random.nextInt(8) == 0));
  }

  // ---- the bus: at-least-once delivery of intents, through IntentDelivery or the ingress ------

  private final class IntentArrival extends Event {
    final String node;
    final String id;
    final byte[] event;
    final boolean viaIngress;

    IntentArrival(String node, String id, byte[] event, long at, boolean viaIngress) {
      super(at);
      pendingIntents++;
      this.node = node;
      this.id = id;
      this.event = event;
      this.viaIngress = viaIngress;
    }

    @Override
    void run() {
      pendingIntents--;
      try {
        deliverIntent(node, id, event, viaIngress);
      } catch (Crash crash) {
        // the process died; deliverIntent has scheduled the bus's redelivery
      }
    }
  }

  /** One delivery of an intent; schedules a redelivery when the platform would. */
  private void deliverIntent(String node, String id, byte[] event, boolean viaIngress) {
    stats.deliveries++;
    if (TRACE != null && new String(event, StandardCharsets.UTF_8).contains(TRACE)) {
      System.out.println("TRACE t=" + (now - START) + " deliver " + id + " at " + node + (viaIngress ? " via ingress" : "") + " nesting=" + nesting);
    }
    String outcome;
    try {
      outcome = viaIngress ? throughIngress(node, id, event) : nodes.get(node).replica.intents.deliverStructured(event).name();
    } catch (Crash crash) {
      stats.crashes++;
      redeliver(node, id, event, viaIngress, 1_000 + random.nextLong(20_000));
      throw crash;
    } catch (SynclineException e) {
      if (!e.isTransient()) {
        throw e;
      }
      redeliver(node, id, event, viaIngress, 1_000 + random.nextLong(5_000));
      return;
    }
    if (outcome == null) {
      redeliver(node, id, event, viaIngress, 1_000 + random.nextLong(5_000));
      return;
    }
    unacknowledged.remove(id);
    model.acknowledged(id, node, outcome);
    if (TRACE != null && new String(event, StandardCharsets.UTF_8).contains(TRACE)) {
      System.out.println("TRACE t=" + (now - START) + " ack " + id + " at " + node + " " + outcome);
    }
    if (outcome.equals("DEAD_LETTERED")) {
      stats.refused++;
    }
    if (chance(0.15)) {
      stats.duplicatesDelivered++;
      redeliver(node, id, event, viaIngress, random.nextLong(30_000));
    }
  }

  /** An app posting the intent to the node's signed ingress; null when it must retry. */
  private String throughIngress(String node, String id, byte[] event) {
    stats.viaIngress++;
    HttpResponse answer = nodes.get(node).replica.ingress.handle(signed(node, "POST", "/events", id, event));
    if (answer.status() == 200) {
      return Json.parse(answer.body(), "answer").get("outcome").asText().toUpperCase(java.util.Locale.ROOT);
    }
    if (answer.status() == 400 || answer.status() == 413) {
      return "DEAD_LETTERED";
    }
    if (answer.status() == 503) {
      return null;
    }
    throw new AssertionError("the ingress answered " + answer.status() + " to an intent: " + new String(answer.body(), StandardCharsets.UTF_8));
  }

  private void redeliver(String node, String id, byte[] event, boolean viaIngress, long after) {
    schedule(new IntentArrival(node, id, event, now + after, viaIngress));
  }

  /**
   * A request to {@code node}'s ingress, signed with its own secret at its own clock over what
   * the core says a request's signature covers ({@link HttpRequest#signedPayload}).
   */
  private HttpRequest signed(String node, String method, String path, String webhookId, byte[] body) {
    Node n = nodes.get(node);
    long seconds = Math.floorDiv(now + n.skew, 1000L);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/cloudevents+json");
    headers.put(WebhookSignature.ID_HEADER, webhookId);
    headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(seconds));
    byte[] payload = new HttpRequest(method, path, headers, method.equals("GET") ? null : body).signedPayload();
    headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(n.secret, webhookId, seconds, payload));
    return new HttpRequest(method, path, headers, method.equals("GET") ? null : body);
  }

  private final class DrainTick extends Event {
    final String node;

    DrainTick(String node, long at) {
      super(at);
      this.node = node;
    }

    @Override
    void run() {
      try {
        nodes.get(node).replica.drain.drainPending(100);
      } catch (Crash crash) {
        stats.crashes++;
      }
      boolean quiet = kind == Kind.OUTAGE && phase == Phase.CHAOS1 && now > START + CHAOS_MILLIS * 4;
      schedule(new DrainTick(node, now + (quiet ? 600_000 : DRAIN_EVERY)));
    }
  }

  /** A replica's scheduled anti-entropy round over the window of buckets its clock picks. */
  private final class AntiEntropyTick extends Event {
    final String node;

    AntiEntropyTick(String node, long at) {
      super(at);
      this.node = node;
    }

    @Override
    void run() {
      try {
        AntiEntropy.Report r = nodes.get(node).replica.antiEntropy.round();
        stats.aeRounds++;
        stats.aeRepaired += r.repaired();
        stats.aeBytes += r.bytesSent() + r.bytesReceived();
        stats.aeRepairBytes += r.repairBytes();
        if (now >= settledAt) {
          roundsSinceHeal.merge(node, 1L, Long::sum);
        }
      } catch (Crash crash) {
        stats.crashes++;
      }
      // Hourly while an outage runs its days (every peer but the victim agrees, and the victim is
      // unreachable); 3,610 s, so that successive rounds still move on to the next window.
      boolean quiet = kind == Kind.OUTAGE && phase == Phase.CHAOS1 && now > START + CHAOS_MILLIS * 4;
      schedule(new AntiEntropyTick(node, now + (quiet ? 3_610_000 : AE_EVERY)));
    }
  }

  // ---- the barrier: everything delivered, then destructive ops with one outcome -------------

  private void barrier() {
    boolean wasFaulty = faults;
    faults = false;
    String node = anyActive();
    for (String record : List.of("account/a1", "account/a2")) {
      SimModel.BarrierOp op = SimModel.BarrierOp.values()[random.nextInt(SimModel.BarrierOp.values().length)];
      List<Object[]> ops = new ArrayList<>();
      Set<String> removed = new TreeSet<>();
      switch (op) {
        case RESET_BALANCE -> ops.add(new Object[] {"unset", "balance", null});
        case UNSET_LAST -> ops.add(new Object[] {"unset", "last", null});
        case DELETE -> ops.add(new Object[] {"delete", null, null});
        case REMOVE_SOME_TAGS -> {
          for (String tag : model.expected().getOrDefault(record, new SimModel.Expected()).log) {
            if (random.nextBoolean()) {
              removed.add(tag);
              ops.add(new Object[] {"remove", "log", tag});
            }
          }
          if (ops.isEmpty()) {
            ops.add(new Object[] {"remove", "log", "nothing-" + stats.intents});
          }
        }
      }
      String id = nextId();
      String outcome = deliverNow(node, id, intentJson(id, record, ops, SOURCE));
      if (!outcome.equals("APPLIED") && !(outcome.equals("DUPLICATE") && op == SimModel.BarrierOp.REMOVE_SOME_TAGS && removed.isEmpty())) {
        throw new AssertionError("barrier op " + op + " on " + record + " at " + node + " was " + outcome);
      }
      model.barrier(record, op, removed);
    }
    edgeCounterAtTheLimit(node);
    failoverRetries();
    faults = wasFaulty;
  }

  /** Delivers an intent at once with faults off; returns the acknowledged outcome. */
  private String deliverNow(String node, String id, byte[] event) {
    stats.deliveries++;
    return nodes.get(node).replica.intents.deliverStructured(event).name();
  }

  /**
   * The 64-bit edge, with an outcome the model knows in advance: the counter is driven to exactly
   * 2^63-1, reset, and incremented by one. Every step must apply (before the fix the last one was
   * refused and the counter lost for good).
   */
  private void edgeCounterAtTheLimit(String node) {
    String record = "edge/max";
    BigInteger shown = model.expected().getOrDefault(record, new SimModel.Expected()).balance;
    BigInteger toMax = BigInteger.valueOf(Long.MAX_VALUE).subtract(shown);
    List<List<Object[]>> steps = new ArrayList<>();
    if (toMax.bitLength() < 64 && toMax.signum() != 0) {
      steps.add(List.<Object[]>of(new Object[] {"incr", "balance", toMax}));
    }
    for (List<Object[]> step : steps) {
      String id = nextId();
      model.add(new SimModel.Intent(id, record, node, toMax, null, null));
      String outcome = deliverNow(node, id, intentJson(id, record, step, SOURCE));
      model.acknowledged(id, node, outcome);
      if (!outcome.equals("APPLIED")) {
        throw new AssertionError("driving " + record + " to 2^63-1 was " + outcome);
      }
    }
    String reset = nextId();
    if (!deliverNow(node, reset, intentJson(reset, record, List.<Object[]>of(new Object[] {"unset", "balance", null}), SOURCE))
        .equals("APPLIED")) {
      throw new AssertionError("resetting " + record + " at 2^63-1 was not applied");
    }
    model.barrier(record, SimModel.BarrierOp.RESET_BALANCE, Set.of());
    String one = nextId();
    model.add(new SimModel.Intent(one, record, node, BigInteger.ONE, null, null));
    String outcome = deliverNow(node, one, intentJson(one, record, List.<Object[]>of(new Object[] {"incr", "balance", BigInteger.ONE}), SOURCE));
    model.acknowledged(one, node, outcome);
    if (!outcome.equals("APPLIED")) {
      throw new AssertionError("incrementing " + record + " after a reset at 2^63-1 was " + outcome);
    }
  }

  /**
   * Apps that fail over: the same intent, acknowledged on its origin and replicated everywhere,
   * published again on another cloud. The origin's change carried its key, so it must be a
   * duplicate there.
   */
  private void failoverRetries() {
    List<SimModel.Intent> candidates = new ArrayList<>();
    for (SimModel.Intent i : model.intents.values()) {
      if (i.record.startsWith("account/a") && i.applications() == 1 && i.acknowledged.size() == 1
          && !keysNeverSent.contains(dedupeKey(i))) {
        candidates.add(i);
      }
    }
    int tries = Math.min(3, candidates.size());
    for (int t = 0; t < tries; t++) {
      // The newest ones: a record keeps the last 128 intent keys it learned from peers.
      SimModel.Intent i = candidates.get(candidates.size() - 1 - random.nextInt(Math.min(candidates.size(), 20)));
      List<String> others = active.stream().filter(a -> !a.equals(i.origin)).toList();
      String other = others.get(random.nextInt(others.size()));
      List<Object[]> ops = new ArrayList<>();
      ops.add(new Object[] {"incr", "balance", i.increment});
      if (i.tag != null) {
        ops.add(new Object[] {"add", "log", i.tag});
      }
      if (i.last != null) {
        ops.add(new Object[] {"set", "last", i.last});
      }
      String outcome = deliverNow(other, i.id, intentJson(i.id, i.record, ops, SOURCE));
      model.acknowledged(i.id, other, outcome);
      if (!outcome.equals("DUPLICATE")) {
        throw new AssertionError("a failover retry of " + i.id + " (applied on " + i.origin + ") on " + other + " was " + outcome);
      }
      stats.failoverDuplicates++;
    }
  }

  private static String dedupeKey(SimModel.Intent i) {
    return new WriteIntent(SOURCE, i.id, RecordKey.fromSubject(i.record), List.of(new dev.syncline.core.crdt.Op.Delete())).dedupeKey();
  }

  // ---- the network between replicas ------------------------------------------------------------

  /** Hands each signed request to the peer's ingress, with the network's faults on the way. */
  private final class Transport implements HttpPeerClient.Transport {
    final String from;

    Transport(String from) {
      this.from = from;
    }

    @Override
    public HttpResponse send(URI target, HttpRequest request, Duration timeout) throws IOException {
      String to = target.getHost().replace(".sim.invalid", "");
      if (to.equals(FEED + "-" + from)) {
        return feed(nodes.get(from), request);
      }
      if (request.header("ce-id").isEmpty() && new String(request.body(), StandardCharsets.UTF_8).contains("\"id\":\"")) {
        captured = new Captured(from, to, request);
      }
      if (idOf(request).contains("#")) {
        stats.splitParts++;
      }
      if (cutOff.contains(from) || cutOff.contains(to)) {
        stats.dropped++;
        throw new java.net.ConnectException("partitioned");
      }
      if (chance(0.1)) {
        stats.dropped++;
        throw new IOException("dropped");
      }
      if (chance(0.03)) {
        stats.errors5xx++;
        return Problem.of(503, "unavailable", "Temporarily unavailable", null).toResponse();
      }
      boolean change = isChange(request);
      if (change && chance(0.01)) {
        // A peer refusing a change as invalid: the drain dead-letters it, and only anti-entropy
        // can bring it there.
        stats.refusedChanges++;
        keysNeverSent.addAll(ChangeEvents.read(Json.readCloudEvent(request.body())).intents().keySet());
        return Problem.of(400, "malformed-event", "Malformed event", "refused by the simulation").toResponse();
      }
      if (change) {
        interleave(from, request);
      }
      if (chance(0.1)) {
        stats.strayCopies++;
        pendingDelayed++;
        schedule(new Event(now + random.nextLong(1, 60_000)) {
          @Override
          void run() {
            pendingDelayed--;
            try {
              receive(to, request);
            } catch (IOException e) {
              // a stray copy's answer goes nowhere
            }
          }
        });
      }
      HttpResponse answer = receive(to, request);
      if (chance(0.05)) {
        stats.duplicatesDelivered++;
        try {
          receive(to, request);
        } catch (IOException e) {
          // the duplicate's answer goes nowhere
        }
      }
      if (chance(0.05)) {
        stats.lostAcks++;
        throw new IOException("response lost");
      }
      return answer;
    }

    private HttpResponse receive(String to, HttpRequest request) throws IOException {
      try {
        HttpResponse answer = nodes.get(to).replica.ingress.handle(request);
        if (answer.status() >= 500 || answer.status() == 401) {
          if (answer.status() != 503) {
            throw new AssertionError(to + " answered " + answer.status() + " to a change from " + from + ": "
                + new String(answer.body(), StandardCharsets.UTF_8));
          }
        }
        return answer;
      } catch (Crash crash) {
        stats.crashes++;
        throw new IOException("peer died before answering");
      }
    }
  }

  /**
   * A replica's change-feed subscriber, behind the same unreliable network (but never cut off:
   * it is the replica's own neighbour): the webhook handshake, then signed events, each checked as
   * a Standard Webhooks receiver would before it is taken.
   */
  private HttpResponse feed(Node node, HttpRequest request) throws IOException {
    if (chance(0.1)) {
      stats.dropped++;
      throw new IOException("dropped");
    }
    if (chance(0.03)) {
      stats.errors5xx++;
      return Problem.of(503, "unavailable", "Temporarily unavailable", null).toResponse();
    }
    if (request.method().equals("OPTIONS")) {
      return new HttpResponse(200, Map.of(HttpPeerClient.WEBHOOK_ALLOWED_ORIGIN, "*"), new byte[0]);
    }
    WebhookVerifier.Verification v = new WebhookVerifier(List.of(node.feedSecret), () -> now).verify(request.headers(), request.body());
    if (!(v instanceof WebhookVerifier.Verification.Verified)) {
      throw new AssertionError(node.id + " sent its subscriber an event that fails verification: " + v);
    }
    io.cloudevents.CloudEvent event = Json.readCloudEvent(request.body());
    if (event.getType().equals(dev.syncline.core.event.FeedEvents.UPDATED_TYPE)) {
      node.feed.computeIfAbsent(event.getSubject(), k -> new HashSet<>()).add(Json.parse(event.getData().toBytes(), "view"));
    }
    stats.feedEvents++;
    return new HttpResponse(204, Map.of(), new byte[0]);
  }

  private static boolean isChange(HttpRequest request) {
    return request.method().equals("POST") && request.path().endsWith("/events")
        && new String(request.body(), StandardCharsets.UTF_8).contains("\"type\":\"" + ChangeEvents.TYPE + "\"");
  }

  private static String idOf(HttpRequest request) {
    return request.header(WebhookSignature.ID_HEADER).orElse("");
  }

  /**
   * The interleaving scheduler: while a drain of {@code from} has a record loaded and is sending
   * it, another writer may commit to the same record (hot seeds do so often). Nested once at most.
   */
  private void interleave(String from, HttpRequest request) {
    double p = kind == Kind.HOT ? 0.4 : 0.1;
    if (nesting > 0 || !chance(p)) {
      return;
    }
    String subject = Json.parse(request.body(), "change").path("subject").asText();
    if (subject.startsWith("blob/")) {
      return; // values near the size limit are too slow to race on every seed
    }
    stats.interleavings++;
    nesting++;
    try {
      String id = nextId();
      List<Object[]> ops = new ArrayList<>();
      if (subject.startsWith("account/") || subject.startsWith("edge/")) {
        // An increment, a unique tag, and a register write that supersedes the value the drain
        // has just read and is sending: what a peer must then see removed.
        BigInteger by = BigInteger.valueOf(random.nextLong(-1000, 1000));
        String tag = subject.equals(HOT) ? null : "t-" + id;
        ops.add(new Object[] {"incr", "balance", by});
        if (tag != null) {
          ops.add(new Object[] {"add", "log", tag});
          writtenValues.add(tag);
        }
        ops.add(new Object[] {"set", "last", id});
        writtenValues.add(id);
        model.add(new SimModel.Intent(id, subject, from, by, tag, id));
      } else {
        // Any op, removals included, on a record the model does not audit.
        Object[] op = chaoticOp(subject);
        ops.add(op);
        if (op[2] != null && !op[0].equals("incr")) {
          (mustRefuse(subject, op[2]) ? refusedValues : writtenValues).add(op[2]);
        }
      }
      unacknowledged.add(id);
      deliverIntent(from, id, intentJson(id, subject, ops, SOURCE), false);
    } finally {
      nesting--;
    }
  }

  // ---- an attacker replaying what it captured --------------------------------------------------

  private final class Attack extends Event {
    Attack(long at) {
      super(at);
    }

    @Override
    void run() {
      if (captured == null) {
        return;
      }
      stats.attacks++;
      String third = Arrays.stream(IDS).filter(i -> !i.equals(captured.from()) && !i.equals(captured.to())).findFirst().orElseThrow();
      StoreSnapshot before = StoreSnapshot.of(nodes.get(third).records);
      // (1) the very request, sent to a replica it was not signed for
      expectStatus(third, captured.request(), 401, "a change signed for " + captured.to());
      // (2) the same intent in binary mode with another ce-source, signed by an insider
      CloudEvent change = Json.readCloudEvent(captured.request().body());
      CloudEvent moved = CloudEventBuilder.v1(change).withSource(URI.create("/apps/evil")).build();
      ChangeEvents.HttpMessage binary = ChangeEvents.toBinary(moved);
      HttpRequest signedBinary = signed(third, "POST", "/events", change.getId(), binary.body());
      Map<String, String> headers = new LinkedHashMap<>(signedBinary.headers());
      headers.putAll(binary.headers());
      expectStatus(third, new HttpRequest("POST", "/events", headers, binary.body()), 415, "binary mode");
      // (3) a change stamped at the end of time, one naming a dot past the peer bound and one with a
      // counter sum past the peer bound, signed right
      String subject = change.getSubject();
      for (String delta : List.of(
          "{\"format\":\"" + DeltaCodec.FORMAT + "\",\"context\":{\"" + captured.from() + "\":[[1,1]]},\"fields\":[{\"name\":\"email\","
              + "\"type\":\"register\",\"siblings\":[{\"dot\":[\"" + captured.from() + "\",1],\"hlc\":[" + Hlc.MAX_WALL + ",2147483647],"
              + "\"value\":\"x\"}]}]}",
          "{\"format\":\"" + DeltaCodec.FORMAT + "\",\"context\":{\"" + third + "\":[[1," + ((1L << 52) + 1) + "]]},\"fields\":[]}",
          // a running sum no replica's increments add up to, for the receiver's own counter
          "{\"format\":\"" + DeltaCodec.FORMAT + "\",\"context\":{\"" + third + "\":[[1,1]]},\"fields\":[{\"name\":\"balance\","
              + "\"type\":\"counter\",\"contributions\":[{\"replica\":\"" + third + "\",\"counter\":1,\"sum\":"
              + BigInteger.TWO.pow(127).subtract(BigInteger.ONE) + ",\"hlc\":[" + now + ",0]}],\"resets\":[]}]}")) {
        String id = "forged-" + stats.attacks + "-" + delta.length();
        byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/syncline/replicas/" + captured.from()
            + "\",\"type\":\"" + ChangeEvents.TYPE + "\",\"subject\":\"" + subject + "\",\"datacontenttype\":\"application/json\","
            + "\"data\":" + delta + "}").getBytes(StandardCharsets.UTF_8);
        expectStatus(third, signed(third, "POST", "/events", id, body), 400, "a change at the end of its range");
      }
      // (4) a GET signed for one record, replayed against another
      HttpRequest get = signed(third, "GET", "/records/" + subject, "get-" + stats.attacks, null);
      expectStatus(third, new HttpRequest("GET", "/records/user/never", get.headers(), null), 401, "a GET for another path");
      if (!before.sameAs(StoreSnapshot.of(nodes.get(third).records))) {
        throw new AssertionError("a refused request changed " + third + "'s store");
      }
    }

    private void expectStatus(String node, HttpRequest request, int status, String what) {
      int got = nodes.get(node).replica.ingress.handle(request).status();
      if (got != status) {
        throw new AssertionError(what + " sent to " + node + " got " + got + ", expected " + status);
      }
    }
  }

  // ---- stores that die before or right after a write, and writers that race them ------------

  private final class FaultyRecordStore implements RecordStore {
    final Node node;

    FaultyRecordStore(Node node) {
      this.node = node;
    }

    @Override
    public Optional<Versioned> load(RecordKey key) {
      return node.records.load(key);
    }

    @Override
    public long write(RecordKey key, StoredRecord record, long expectedVersion) {
      if (chance(0.03)) {
        throw new Crash();
      }
      List<String> toPeers = record.outbox().keySet().stream().filter(k -> !Subscriber.isOutboxKey(k)).toList();
      if (!toPeers.isEmpty() && kind != Kind.OUTAGE && chance(0.01)) {
        // A lost outbox entry: what the record owed one peer is forgotten, and only anti-entropy
        // can bring it there. (Nothing repairs a subscriber's feed, so its entries are not lost.)
        TreeMap<String, OutboxEntry> outbox = new TreeMap<>(record.outbox());
        OutboxEntry lost = outbox.remove(toPeers.get(random.nextInt(toPeers.size())));
        keysNeverSent.addAll(lost.intents().keySet());
        record = record.withOutbox(outbox);
        stats.lostEntries++;
      }
      long version = node.records.write(key, record, expectedVersion);
      measure(node, key, record);
      if (chance(0.05)) {
        throw new Crash();
      }
      return version;
    }

    @Override
    public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
      return node.records.withDueOutbox(nowMillis, limit);
    }

    @Override
    public dev.syncline.core.port.BucketPage scanBucket(int bucket, String cursor, int limit) {
      return node.records.scanBucket(bucket, cursor, limit);
    }
  }

  private void measure(Node node, RecordKey key, StoredRecord record) {
    stats.maxRecordBytes = Math.max(stats.maxRecordBytes, node.records.storedBytes(key));
    for (OutboxEntry e : record.outbox().values()) {
      stats.maxEntryBytes = Math.max(stats.maxEntryBytes, StoredRecordCodec.encodeOutboxEntry(e).length);
    }
  }

  // ---- the verdict -----------------------------------------------------------------------------

  /** Throws an AssertionError naming the first broken invariant. */
  void check() {
    if (stats.maxEntryBytes > ENTRY_BOUND) {
      throw new AssertionError("an outbox entry took " + stats.maxEntryBytes + " bytes; the bound is " + ENTRY_BOUND);
    }
    if (stats.maxRecordBytes > RECORD_BOUND) {
      throw new AssertionError("a record took " + stats.maxRecordBytes + " bytes; the bound is " + RECORD_BOUND);
    }
    for (SimModel.Intent i : model.intents.values()) {
      if (i.acknowledged.isEmpty()) {
        throw new AssertionError("intent " + i.id + " was never acknowledged");
      }
    }
    for (Node n : nodes.values()) {
      stats.deadLetters += n.deadLetters.letters().size();
      if (n.deadLetters.letters().size() > 0 && n.metrics.deadLettered.get() == 0) {
        throw new AssertionError(n.id + " dead-lettered without counting it");
      }
    }
    int outageLetters = 0;
    for (Node n : nodes.values()) {
      for (DeadLetter d : n.deadLetters.letters()) {
        if (d.kind() != DeadLetter.Kind.CHANGE) {
          continue;
        }
        boolean refusedBySimulation = d.reason().startsWith("peer " + d.peer() + " refused it with 400: Malformed event");
        // Cut off, the victim cannot reach its peers any more than they can reach it.
        boolean pastMaxAge = kind == Kind.OUTAGE && (d.peer().equals(outageVictim) || n.id.equals(outageVictim))
            && d.reason().startsWith("peer " + d.peer() + " did not take it for longer than ");
        if (!refusedBySimulation && !pastMaxAge) {
          throw new AssertionError(n.id + " dead-lettered a change for no fault of the simulation's: " + d.reason());
        }
        outageLetters += pastMaxAge ? 1 : 0;
      }
    }
    if (kind == Kind.OUTAGE && outageLetters == 0) {
      throw new AssertionError("an outage past the max age dead-lettered nothing");
    }
    Set<RecordKey> keys = new TreeSet<>();
    nodes.values().forEach(n -> keys.addAll(n.records.keys()));
    Node first = nodes.get(IDS[0]);
    for (RecordKey key : keys) {
      converged(key, nodes.values());
      checkValues(key, first);
    }
    checkModel(first, nodes.values());
    for (Node n : nodes.values()) {
      checkFeed(n);
    }
  }

  /**
   * Every record's final view at {@code n} reached its subscriber (among others, in any order:
   * the feed is at least once). With the model check above, nothing acknowledged is missing from
   * the feed.
   */
  private void checkFeed(Node n) {
    for (RecordKey key : n.records.keys()) {
      RecordState state = stateAt(n, key);
      if (state.isEmpty()) {
        continue; // no change ever took effect here (only refused writes' bookkeeping): nothing to tell
      }
      JsonNode finalView = Json.parse(ViewCodec.encode(state.view(key)), "view");
      Set<JsonNode> seen = n.feed.getOrDefault(key.subject(), Set.of());
      if (!seen.contains(finalView)) {
        throw new AssertionError(n.id + "'s subscriber never received the final view of " + key + " (" + finalView
            + "); it received " + seen.size() + " other views");
      }
    }
  }

  /** Identical states and view bytes at every node in {@code at}. */
  private void converged(RecordKey key, Iterable<Node> at) {
    byte[] reference = null;
    byte[] referenceView = null;
    String referenceNode = null;
    for (Node n : at) {
      RecordState state = stateAt(n, key);
      byte[] bytes = DeltaCodec.encode(state);
      byte[] view = ViewCodec.encode(state.view(key));
      if (reference == null) {
        reference = bytes;
        referenceView = view;
        referenceNode = n.id;
      } else if (!Arrays.equals(reference, bytes)) {
        throw new AssertionError("diverged on " + key + ": " + referenceNode + " holds "
            + new String(reference, StandardCharsets.UTF_8) + " but " + n.id + " holds " + new String(bytes, StandardCharsets.UTF_8)
            + " (view " + new String(view, StandardCharsets.UTF_8) + ")");
      } else if (!Arrays.equals(referenceView, view)) {
        throw new AssertionError("equal states, different views of " + key + ": " + referenceNode + " shows "
            + new String(referenceView, StandardCharsets.UTF_8) + " but " + n.id + " shows " + new String(view, StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * Every register value and set element a replica holds was written exactly so (numbers equal as
   * JDK BigDecimals, so a decimal rounded on the way is caught), and none of the values whose
   * intents had to be refused is anywhere.
   */
  private void checkValues(RecordKey key, Node n) {
    List<JsonValue> held = new ArrayList<>();
    stateAt(n, key).fields().values().forEach(f -> {
      if (f instanceof Register r) {
        r.siblings().values().forEach(sib -> held.add(sib.value()));
      } else if (f instanceof AwSet set) {
        held.addAll(set.elements().keySet());
      }
    });
    for (JsonValue v : held) {
      JsonNode shown = Json.parse(v.json(), "value");
      if (writtenValues.stream().noneMatch(w -> SimValues.same(shown, w))) {
        throw new AssertionError(key + " holds a value nobody wrote (rounded or changed on the way?): "
            + (v.json().length() > 200 ? v.json().substring(0, 200) + "..." : v.json()));
      }
      if (refusedValues.stream().anyMatch(r -> SimValues.same(shown, r))) {
        throw new AssertionError(key + " holds a value whose intent had to be refused (over the record limit)");
      }
    }
  }

  /** Each audited record matches the model: exact balance, every tag, the register among those written. */
  private void checkModel(Node n, Iterable<Node> all) {
    for (Map.Entry<String, SimModel.Expected> e : model.expected().entrySet()) {
      RecordKey key = RecordKey.fromSubject(e.getKey());
      SimModel.Expected x = e.getValue();
      for (Node node : all) {
        JsonNode fields = Json.parse(ViewCodec.encode(stateAt(node, key).view(key)), "view").path("fields");
        BigInteger balance = fields.has("balance") ? fields.get("balance").bigIntegerValue() : BigInteger.ZERO;
        if (!balance.equals(x.balance)) {
          throw new AssertionError("counter " + key + ".balance is " + balance + " at " + node.id + ", expected " + x.balance);
        }
        Set<String> logged = new TreeSet<>();
        fields.path("log").forEach(v -> logged.add(v.asText()));
        if (!logged.equals(x.log)) {
          Set<String> lost = new TreeSet<>(x.log);
          lost.removeAll(logged);
          Set<String> extra = new TreeSet<>(logged);
          extra.removeAll(x.log);
          throw new AssertionError("set " + key + ".log at " + node.id + " lost " + lost + " and holds unexpected " + extra);
        }
        JsonNode last = fields.get("last");
        if (last == null ? !x.lastMayBeAbsent && !x.lastCandidates.isEmpty() : !x.lastCandidates.contains(last.asText())) {
          throw new AssertionError("register " + key + ".last at " + node.id + " is " + last + ", expected one of "
              + (x.lastCandidates.size() > 5 ? x.lastCandidates.size() + " values" : x.lastCandidates));
        }
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

  Kind kind() {
    return kind;
  }
}
