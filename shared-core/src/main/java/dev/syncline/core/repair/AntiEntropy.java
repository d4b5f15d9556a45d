package dev.syncline.core.repair;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.RecordView;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.RemoteChange;
import dev.syncline.core.event.ChangeParts;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.json.Json;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy (DESIGN section 5.6, docs/anti-entropy.md): finds the records on which this replica
 * and a peer differ, by comparing bucket digests and then (key, digest) lists over the peer's
 * signed ingress, and repairs each by pulling the peer's state and merging it here, then pushing
 * the merged state back if the peer lacked part of it. Read repair and the answers a peer gives
 * live here too. Stateless between calls and thread-safe: every round starts from the stores.
 */
public final class AntiEntropy {

  private static final Logger log = LoggerFactory.getLogger(AntiEntropy.class);

  /** The route a peer's digests are posted to. */
  public static final String DIGESTS = "/anti-entropy/digests";

  /** The route prefix of a peer's record states: {@code /anti-entropy/records/{entity}/{id}}. */
  public static final String STATES = "/anti-entropy/records/";

  private static final int PAGE = 500;

  /**
   * How large an answer to the digests may grow: well inside what {@link HttpPeerClient} reads
   * ({@value HttpPeerClient#MAX_ANSWER_BYTES} bytes), whatever the length of the record ids.
   */
  static final long MAX_ANSWER_BYTES = HttpPeerClient.MAX_ANSWER_BYTES / 2;

  /**
   * How anti-entropy paces itself.
   *
   * @param bucketsPerRound buckets compared per round, a power of two dividing {@link
   *     RecordDigest#BUCKETS}; a full cycle takes {@code BUCKETS / bucketsPerRound} rounds
   * @param repairsPerRound records repaired per peer per round, at most
   * @param roundPeriod how often a round runs (the schedule); picks each round's window of buckets
   * @param maxAnswerPairs (key, digest) pairs a replica lists when it answers, at most (whole buckets,
   *     but at least the first differing one)
   * @param readRepairTimeout how long a read repair waits for each peer
   */
  public record Settings(
      int bucketsPerRound, int repairsPerRound, Duration roundPeriod, int maxAnswerPairs, Duration readRepairTimeout) {

    public Settings {
      if (bucketsPerRound < 1 || bucketsPerRound > RecordDigest.BUCKETS || RecordDigest.BUCKETS % bucketsPerRound != 0) {
        throw new IllegalArgumentException("buckets per round must divide " + RecordDigest.BUCKETS);
      }
      if (repairsPerRound < 1 || maxAnswerPairs < 1) {
        throw new IllegalArgumentException("repairs per round and answer pairs must be positive");
      }
      if (roundPeriod.isNegative() || roundPeriod.isZero() || readRepairTimeout.isNegative() || readRepairTimeout.isZero()) {
        throw new IllegalArgumentException("the round period and the read-repair timeout must be positive");
      }
    }

    /** 64 buckets (a cycle of 16 rounds), 100 repairs per peer, a round a minute, 5,000 pairs, 2 s. */
    public static Settings standard() {
      return new Settings(64, 100, Duration.ofMinutes(1), 5_000, Duration.ofSeconds(2));
    }
  }

  /**
   * What one round did, over every peer.
   *
   * @param firstBucket the first bucket of the window the round compared
   * @param buckets how many buckets it compared
   * @param exchanges peers whose digests were compared
   * @param unreachable peers that did not answer the digest exchange
   * @param bucketsDiffering buckets whose digests differed, summed over peers
   * @param keysDiffering records whose digests differed, summed over peers
   * @param pulled peers' states merged here that changed this replica's state
   * @param pushed states sent to a peer that lacked part of them
   * @param failed records whose repair failed this round (a peer's error, a refused change)
   * @param bytesSent request bodies sent to peers
   * @param bytesReceived answer bodies received from peers
   * @param repairBytes of those, the states pulled and pushed (the rest compared digests and keys)
   */
  public record Report(
      int firstBucket, int buckets, int exchanges, List<String> unreachable, int bucketsDiffering, int keysDiffering,
      int pulled, int pushed, int failed, long bytesSent, long bytesReceived, long repairBytes) {

    public Report {
      unreachable = List.copyOf(unreachable);
    }

    static final Report NOTHING = new Report(0, 0, 0, List.of(), 0, 0, 0, 0, 0, 0, 0, 0);

    /** Both reports summed, over the window of this one (or of the other, if this one has none). */
    public Report plus(Report o) {
      List<String> down = new ArrayList<>(unreachable);
      down.addAll(o.unreachable);
      return new Report(buckets > 0 ? firstBucket : o.firstBucket, buckets > 0 ? buckets : o.buckets,
          exchanges + o.exchanges, down, bucketsDiffering + o.bucketsDiffering,
          keysDiffering + o.keysDiffering, pulled + o.pulled, pushed + o.pushed, failed + o.failed,
          bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, repairBytes + o.repairBytes);
    }

    Report over(int first, int count) {
      return new Report(first, count, exchanges, unreachable, bucketsDiffering, keysDiffering, pulled, pushed, failed,
          bytesSent, bytesReceived, repairBytes);
    }

    /**
     * The report as one line of JSON, the summary every cloud's scheduled function answers and
     * logs: {@code {"firstBucket":..,"buckets":..,"exchanges":..,"unreachable":[..],
     * "bucketsDiffering":..,"keysDiffering":..,"pulled":..,"pushed":..,"failed":..,"bytesSent":..,
     * "bytesReceived":..}}.
     */
    public byte[] toJson() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeNumberField("firstBucket", firstBucket);
        g.writeNumberField("buckets", buckets);
        g.writeNumberField("exchanges", exchanges);
        g.writeArrayFieldStart("unreachable");
        for (String peer : unreachable) {
          g.writeString(peer);
        }
        g.writeEndArray();
        g.writeNumberField("bucketsDiffering", bucketsDiffering);
        g.writeNumberField("keysDiffering", keysDiffering);
        g.writeNumberField("pulled", pulled);
        g.writeNumberField("pushed", pushed);
        g.writeNumberField("failed", failed);
        g.writeNumberField("bytesSent", bytesSent);
        g.writeNumberField("bytesReceived", bytesReceived);
        g.writeEndObject();
      });
    }

    /** Records whose state changed, here or at a peer. */
    public int repaired() {
      return pulled + pushed;
    }
  }

  /** A read repaired from the peers: the view after merging, and which peers answered in time. */
  public record RepairedRead(Optional<RecordView> view, List<String> answered, List<String> unanswered) {
    public RepairedRead {
      answered = List.copyOf(answered);
      unanswered = List.copyOf(unanswered);
    }
  }

  private final String replicaId;
  private final List<Peer> peers;
  private final SyncEngine engine;
  private final RecordStore records;
  private final HttpPeerClient client;
  private final Clock clock;
  private final Metrics metrics;
  private final Settings settings;
  private final Executor calls;

  /**
   * @param calls where read repair asks its peers, in parallel ({@code Runnable::run} asks them one
   *     after another)
   */
  public AntiEntropy(
      SyncEngine engine, RecordStore records, HttpPeerClient client, Clock clock, Metrics metrics, Settings settings,
      Executor calls) {
    this.replicaId = engine.config().replicaId();
    this.peers = engine.config().peers();
    this.engine = engine;
    this.records = records;
    this.client = client;
    this.clock = clock;
    this.metrics = metrics;
    this.settings = settings;
    this.calls = calls;
  }

  public Settings settings() {
    return settings;
  }

  // ---- the initiator's round --------------------------------------------------------------------

  /** The first bucket of the window the clock picks now: each period, the next window. */
  public int windowStart(long nowMillis) {
    int windows = RecordDigest.BUCKETS / settings.bucketsPerRound();
    long window = Math.floorMod(Math.floorDiv(nowMillis, settings.roundPeriod().toMillis()), (long) windows);
    return (int) window * settings.bucketsPerRound();
  }

  /** The scheduled round: this period's window of buckets, compared with every peer. */
  public Report round() {
    return round(windowStart(clock.millis()), settings.bucketsPerRound());
  }

  /** Compares buckets {@code first .. first + count - 1} with every peer and repairs what differs. */
  public Report round(int first, int count) {
    if (first < 0 || count < 1 || first + count > RecordDigest.BUCKETS) {
      throw new IllegalArgumentException("buckets " + first + ".." + (first + count - 1) + " are out of range");
    }
    if (peers.isEmpty()) {
      return Report.NOTHING.over(first, count);
    }
    TreeMap<Integer, Map<RecordKey, Digest>> local = new TreeMap<>();
    for (int b = first; b < first + count; b++) {
      local.put(b, scan(b));
    }
    // A round ends its repairs after one period (but no sooner than MIN_REPAIR_TIME), so the next
    // round is not held up behind it and a function's timeout is not reached; the peers take turns
    // to come first, so a slow one cannot starve the others round after round.
    long deadline = clock.millis() + Math.max(settings.roundPeriod().toMillis(), MIN_REPAIR_TIME.toMillis());
    int start = Math.floorMod(first / count, peers.size());
    Report total = Report.NOTHING;
    for (int i = 0; i < peers.size(); i++) {
      total = total.plus(exchange(peers.get((start + i) % peers.size()), local, deadline));
    }
    return total.over(first, count);
  }

  /**
   * The least time a round may spend on repairs, however short the period: a sandbox running the
   * schedule 100 times faster (0.6 s) would otherwise repair a record or two per round.
   */
  static final Duration MIN_REPAIR_TIME = Duration.ofSeconds(30);

  /** Repairs with a peer stop for the round after this many fail in a row. */
  private static final int FAILURES_IN_A_ROW = 3;

  private Report exchange(Peer peer, TreeMap<Integer, Map<RecordKey, Digest>> local, long deadline) {
    metrics.antiEntropyExchange();
    byte[] request = digestsRequest(local);
    Answer answer;
    try {
      HttpResponse response = client.call(peer, "POST", DIGESTS, request);
      if (response.status() != 200) {
        if (response.status() >= 500 || response.status() == 429) {
          log.debug("anti-entropy: {} answered the digests with {}", peer.replica(), response.status());
        } else {
          // A 4xx is a misconfiguration (a secret, a version), not a passing failure.
          log.warn("anti-entropy: {} answered the digests with {}", peer.replica(), response.status());
        }
        return unreachable(peer, request.length);
      }
      answer = Answer.read(response.body());
    } catch (IOException e) {
      // Like a failed delivery, it is tried again next round; the report names the peer.
      log.debug("anti-entropy: {} did not answer the digests: {}", peer.replica(), e.toString());
      return unreachable(peer, request.length);
    } catch (SynclineException | IllegalArgumentException e) {
      log.warn("anti-entropy: {} answered the digests with something unreadable: {}", peer.replica(), e.toString());
      return unreachable(peer, request.length);
    }
    long sent = request.length;
    long received = answer.bytes;
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<Integer, Map<RecordKey, Digest>> bucket : answer.differ.entrySet()) {
      Map<RecordKey, Digest> mine = local.getOrDefault(bucket.getKey(), Map.of());
      Map<RecordKey, Digest> theirs = bucket.getValue();
      boolean partial = answer.partial.contains(bucket.getKey());
      TreeSet<RecordKey> keys = new TreeSet<>(theirs.keySet());
      if (!partial) {
        keys.addAll(mine.keySet()); // a partial list cannot say what the peer lacks
      }
      for (RecordKey key : keys) {
        Digest here = mine.getOrDefault(key, Digest.ZERO);
        Digest there = theirs.getOrDefault(key, Digest.ZERO);
        if (!here.equals(there)) {
          candidates.add(new Candidate(key, there));
        }
      }
    }
    // Each initiator works through the candidates in an order of its own, so that replicas filling
    // a new peer in the same window do not all repair the same records first.
    candidates.sort(java.util.Comparator.comparingInt((Candidate c) -> (replicaId + c.key.subject()).hashCode())
        .thenComparing(c -> c.key.subject()));
    int pulled = 0;
    int pushed = 0;
    int failed = 0;
    int failedInARow = 0;
    long repairBytes = 0;
    Iterator<Candidate> todo = candidates.iterator();
    for (int n = 0; n < settings.repairsPerRound() && todo.hasNext(); n++) {
      if (failedInARow >= FAILURES_IN_A_ROW || clock.millis() > deadline) {
        break;
      }
      Candidate c = todo.next();
      try {
        Repair r = repair(peer, c);
        pulled += r.pulled ? 1 : 0;
        pushed += r.pushed ? 1 : 0;
        sent += r.sent;
        received += r.received;
        repairBytes += r.sent + r.received;
        failedInARow = 0;
      } catch (IOException e) {
        log.debug("anti-entropy: repair of {} with {} failed: {}", c.key, peer.replica(), e.toString());
        failed++;
        failedInARow++;
      } catch (SynclineException | IllegalArgumentException e) {
        log.warn("anti-entropy: repair of {} with {} failed: {}", c.key, peer.replica(), e.toString());
        failed++;
        failedInARow++;
      }
    }
    return new Report(0, 0, 1, List.of(), answer.differ.size(), candidates.size(), pulled, pushed, failed, sent, received,
        repairBytes);
  }

  private static Report unreachable(Peer peer, long sent) {
    return new Report(0, 0, 1, List.of(peer.replica()), 0, 0, 0, 0, 0, sent, 0, 0);
  }

  private record Candidate(RecordKey key, Digest theirs) {}

  private record Repair(boolean pulled, boolean pushed, long sent, long received) {}

  /**
   * Pulls the peer's state of one record (unless it has none) and merges it here; then, if the
   * merged state differs from the peer's, pushes it as an ordinary change in parts that fit.
   */
  private Repair repair(Peer peer, Candidate c) throws IOException {
    RecordState theirs = RecordState.EMPTY;
    boolean pulled = false;
    long received = 0;
    if (!c.theirs.isZero()) {
      HttpResponse response = client.call(peer, "GET", STATES + path(c.key), null);
      received += response.body().length;
      if (response.status() == 200) {
        DeltaCodec.Change change = DeltaCodec.decodeChange(response.body());
        theirs = change.delta();
        ApplyOutcome merged = engine.applyChange(new RemoteChange(
            peer.replica(), c.key, "repair-" + UUID.randomUUID(), clock.millis(), theirs, change.intents()));
        pulled = merged instanceof ApplyOutcome.Applied;
        if (pulled) {
          metrics.repaired();
        }
      } else if (response.status() != 404) {
        throw new IOException(peer.replica() + " answered " + response.status() + " for the state of " + c.key);
      }
    }
    Optional<StoredRecord> stored = records.load(c.key).map(Versioned::record);
    RecordState here = stored.map(StoredRecord::state).orElse(RecordState.EMPTY);
    if (RecordDigest.of(c.key, here).equals(RecordDigest.of(c.key, theirs))) {
      return new Repair(pulled, false, 0, received);
    }
    List<CloudEvent> parts = ChangeParts.of(replicaId, c.key, "repair-" + UUID.randomUUID(), clock.millis(), here,
        here.context(), stored.map(AntiEntropy::intentsOf).orElse(Collections.emptySortedMap()), null,
        engine.config().schemas().fingerprint());
    long sent = 0;
    for (CloudEvent part : parts) {
      sent += ChangeEvents.toStructured(part).body().length;
      Delivery d = client.deliver(peer, part);
      if (!(d instanceof Delivery.Delivered)) {
        throw new IOException(peer.replica() + " did not take the repair of " + c.key + ": " + d);
      }
    }
    metrics.repaired();
    return new Repair(pulled, true, sent, received);
  }

  private Map<RecordKey, Digest> scan(int bucket) {
    Map<RecordKey, Digest> out = new LinkedHashMap<>();
    String cursor = null;
    do {
      BucketPage page = records.scanBucket(bucket, cursor, PAGE);
      for (BucketPage.Entry e : page.entries()) {
        if (!e.digest().isZero()) {
          out.put(e.key(), e.digest());
        }
      }
      cursor = page.cursor();
    } while (cursor != null);
    return out;
  }

  private static Digest fold(Map<RecordKey, Digest> bucket) {
    Digest d = Digest.ZERO;
    for (Digest x : bucket.values()) {
      d = d.xor(x);
    }
    return d;
  }

  private static byte[] digestsRequest(Map<Integer, Map<RecordKey, Digest>> local) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeNumberField("version", RecordDigest.VERSION);
      g.writeObjectFieldStart("buckets");
      for (Map.Entry<Integer, Map<RecordKey, Digest>> e : local.entrySet()) {
        g.writeStringField(Integer.toString(e.getKey()), fold(e.getValue()).hex());
      }
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** A peer's answer to the digests: its (key, digest) pairs in each bucket that differs. */
  private record Answer(TreeMap<Integer, Map<RecordKey, Digest>> differ, TreeSet<Integer> partial, long bytes) {

    static Answer read(byte[] body) {
      JsonNode root = Json.parse(body, "anti-entropy answer");
      requireVersion(root, "answer");
      TreeMap<Integer, Map<RecordKey, Digest>> differ = new TreeMap<>();
      root.path("differ").fields().forEachRemaining(e -> {
        Map<RecordKey, Digest> pairs = new LinkedHashMap<>();
        for (JsonNode pair : e.getValue()) {
          pairs.put(RecordKey.fromSubject(pair.path(0).asText()), Digest.ofHex(pair.path(1).asText()));
        }
        differ.put(bucketOf(e.getKey()), pairs);
      });
      TreeSet<Integer> partial = new TreeSet<>();
      root.path("partial").forEach(b -> partial.add(b.asInt()));
      return new Answer(differ, partial, body.length);
    }
  }

  // ---- the peer's answers -------------------------------------------------------------------------

  /**
   * Answers a peer's digests: for each bucket whose digest here differs, every (key, digest) pair
   * here, whole buckets in bucket order until {@link Settings#maxAnswerPairs} would be passed (the
   * first differing bucket always, cut to the limit and listed under {@code partial} if it alone
   * is larger); {@code truncated} if any differing bucket was left out.
   *
   * @throws SynclineException MALFORMED if the request is not a digest list of this version
   */
  public byte[] answerDigests(byte[] request) {
    Map<Integer, Digest> theirs = readDigests(request);
    TreeMap<Integer, Map<RecordKey, Digest>> differ = new TreeMap<>();
    List<Integer> partial = new ArrayList<>();
    boolean truncated = false;
    int listed = 0;
    long bytes = 0;
    for (Map.Entry<Integer, Digest> e : theirs.entrySet()) {
      Map<RecordKey, Digest> mine = scan(e.getKey());
      if (fold(mine).equals(e.getValue())) {
        continue;
      }
      long size = answerBytes(mine.keySet());
      if (!differ.isEmpty() && (listed + mine.size() > settings.maxAnswerPairs() || bytes + size > MAX_ANSWER_BYTES)) {
        truncated = true;
        break; // the rest waits for the next cycle; no need to scan it now
      }
      if (mine.size() > settings.maxAnswerPairs() || size > MAX_ANSWER_BYTES) {
        Map<RecordKey, Digest> cut = new LinkedHashMap<>();
        long cutBytes = 0;
        for (Map.Entry<RecordKey, Digest> x : mine.entrySet()) {
          cutBytes += answerBytes(List.of(x.getKey()));
          if (cut.size() == settings.maxAnswerPairs() || cutBytes > MAX_ANSWER_BYTES) {
            break;
          }
          cut.put(x.getKey(), x.getValue());
        }
        mine = cut;
        size = answerBytes(mine.keySet());
        partial.add(e.getKey());
      }
      differ.put(e.getKey(), mine);
      listed += mine.size();
      bytes += size;
    }
    boolean cutShort = truncated;
    return Json.write(g -> {
      g.writeStartObject();
      g.writeNumberField("version", RecordDigest.VERSION);
      g.writeObjectFieldStart("differ");
      for (Map.Entry<Integer, Map<RecordKey, Digest>> e : differ.entrySet()) {
        g.writeArrayFieldStart(Integer.toString(e.getKey()));
        for (Map.Entry<RecordKey, Digest> pair : e.getValue().entrySet()) {
          g.writeStartArray();
          g.writeString(pair.getKey().subject());
          g.writeString(pair.getValue().hex());
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeArrayFieldStart("partial");
      for (int b : partial) {
        g.writeNumber(b);
      }
      g.writeEndArray();
      g.writeBooleanField("truncated", cutShort);
      g.writeEndObject();
    });
  }

  /** About what listing these keys adds to an answer: each subject, its digest and the JSON around them. */
  private static long answerBytes(java.util.Collection<RecordKey> keys) {
    long n = 0;
    for (RecordKey k : keys) {
      n += k.subject().length() + 40;
    }
    return n;
  }

  private Map<Integer, Digest> readDigests(byte[] request) {
    JsonNode root = Json.parse(request, "anti-entropy digests");
    requireVersion(root, "digests");
    JsonNode buckets = root.path("buckets");
    // One round's window at most: a request must not make this replica scan every bucket at once.
    if (!buckets.isObject() || buckets.size() > settings.bucketsPerRound()) {
      throw SynclineException.malformed("buckets must be an object of at most " + settings.bucketsPerRound() + " digests");
    }
    TreeMap<Integer, Digest> out = new TreeMap<>();
    buckets.fields().forEachRemaining(e -> {
      try {
        out.put(bucketOf(e.getKey()), Digest.ofHex(e.getValue().asText()));
      } catch (IllegalArgumentException bad) {
        throw SynclineException.malformed("bucket " + e.getKey() + ": " + bad.getMessage());
      }
    });
    return out;
  }

  private static void requireVersion(JsonNode root, String what) {
    if (!root.path("version").isInt() || root.path("version").asInt() != RecordDigest.VERSION) {
      throw SynclineException.malformed("the anti-entropy " + what + " must be version " + RecordDigest.VERSION);
    }
  }

  private static int bucketOf(String name) {
    try {
      int b = Integer.parseInt(name);
      if (b >= 0 && b < RecordDigest.BUCKETS && name.equals(Integer.toString(b))) {
        return b;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw SynclineException.malformed("a bucket is a number from 0 to " + (RecordDigest.BUCKETS - 1));
  }

  /**
   * This replica's state of a record, as the delta format encodes a change, for a peer's pull:
   * with the keys of the intents it remembers ({@link #intentsOf}). Empty if it holds nothing of it.
   */
  public Optional<byte[]> state(RecordKey key) {
    return records.load(key)
        .map(Versioned::record)
        .filter(r -> !r.state().isEmpty())
        .map(r -> DeltaCodec.encode(r.state(), intentsOf(r)));
  }

  /**
   * The intents a record remembers, applied here or learned from peers: they ride with a repair,
   * as an outbox would have sent them, so that a retry of one of them on the other side is still
   * recognized after a repair, whichever replica the state came from.
   */
  private static SortedMap<String, Long> intentsOf(StoredRecord record) {
    TreeMap<String, Long> all = new TreeMap<>(record.appliedIntents().fromPeers());
    all.putAll(record.appliedIntents().local());
    return all;
  }

  // ---- read repair -----------------------------------------------------------------------------

  /**
   * Asks every peer for its state of {@code key}, in parallel, waiting at most {@link
   * Settings#readRepairTimeout} for each; merges what arrives here, durably; then reads the view.
   */
  public RepairedRead readRepair(RecordKey key) {
    Map<String, CompletableFuture<Optional<DeltaCodec.Change>>> asked = new LinkedHashMap<>();
    for (Peer peer : peers) {
      asked.put(peer.replica(), CompletableFuture.supplyAsync(() -> fetch(peer, key), calls)
          .orTimeout(settings.readRepairTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }
    List<String> answered = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    asked.forEach((peer, future) -> {
      Optional<DeltaCodec.Change> state;
      try {
        state = future.join();
      } catch (RuntimeException e) {
        unanswered.add(peer);
        return;
      }
      try {
        state.ifPresent(s -> {
          if (engine.applyChange(new RemoteChange(
              peer, key, "read-repair-" + UUID.randomUUID(), clock.millis(), s.delta(), s.intents()))
              instanceof ApplyOutcome.Applied) {
            metrics.repaired();
          }
        });
        answered.add(peer);
      } catch (SynclineException e) {
        log.warn("read repair: the state of {} from {} was not merged: {}", key, peer, e.getMessage());
        unanswered.add(peer);
      }
    });
    return new RepairedRead(engine.view(key), answered, unanswered);
  }

  /** A peer's state of a record, empty if it has none; throws if it did not answer properly. */
  private Optional<DeltaCodec.Change> fetch(Peer peer, RecordKey key) {
    try {
      HttpResponse response = client.call(peer, "GET", STATES + path(key), null);
      if (response.status() == 404) {
        return Optional.empty();
      }
      if (response.status() != 200) {
        throw new IllegalStateException(peer.replica() + " answered " + response.status());
      }
      return Optional.of(DeltaCodec.decodeChange(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code entity/id}: both are made of characters a path carries as they are (DESIGN section 3). */
  private static String path(RecordKey key) {
    return key.subject();
  }
}
