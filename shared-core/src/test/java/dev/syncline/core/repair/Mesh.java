package dev.syncline.core.repair;

import dev.syncline.core.RecordKey;
import dev.syncline.core.Replica;
import dev.syncline.core.SigningSecrets;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.http.HttpRequest;
import dev.syncline.core.http.HttpResponse;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.Peer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replicas wired as the clouds wire them ({@link Replica#builder}), on in-memory stores, talking
 * through their signed ingresses in process: the HTTP peer client signs, the peer's {@code
 * IngressHandler} verifies and answers. Links can be cut; bytes on the wire are counted.
 */
final class Mesh {

  static final long START = 1_764_158_400_000L;

  final AtomicLong time = new AtomicLong(START);
  final Map<String, Node> nodes = new LinkedHashMap<>();
  final Set<String> cut = new HashSet<>();
  /** Links on which the receiver answers every request 400, as a peer refusing a change would. */
  final Set<String> refusing = new HashSet<>();
  final AtomicLong bytesOnWire = new AtomicLong();
  private final AntiEntropy.Settings settings;

  /** One replica with its stores, kept across rewiring. */
  final class Node {
    final String id;
    final String secret;
    final InMemoryRecordStore records = new InMemoryRecordStore();
    final InMemoryDedupeStore dedupe = new InMemoryDedupeStore();
    final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink(time::get);
    final InMemoryMetrics metrics = new InMemoryMetrics();
    /** (key, digest) pairs, pages and record loads the replica asked of its store. */
    final AtomicLong pairsScanned = new AtomicLong();
    final AtomicLong pagesScanned = new AtomicLong();
    final AtomicLong loads = new AtomicLong();
    Replica replica;

    Node(String id, int seed) {
      this.id = id;
      byte[] key = new byte[32];
      new SplittableRandom(seed).nextBytes(key);
      this.secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** (Re)wires this replica with {@code peers}, as a redeploy with new settings would. */
    void wire(List<String> peers) {
      List<Peer> list = new ArrayList<>();
      Map<String, String> secrets = new TreeMap<>();
      for (String p : peers) {
        list.add(new Peer(p, URI.create("https://" + p + ".mesh.invalid")));
        secrets.put(p, nodes.get(p).secret);
      }
      replica = Replica.builder(id)
          .peers(list)
          .secrets(new SigningSecrets(List.of(secret), secrets))
          .stores(counting(), dedupe, deadLetters)
          .clock(time::get)
          .metrics(metrics)
          .transport((target, request, timeout) -> send(id, target, request))
          .sends(Runnable::run)
          .antiEntropy(settings)
          .build();
    }

    /** The record store as the replica sees it, counting what it reads. */
    private dev.syncline.core.port.RecordStore counting() {
      return new dev.syncline.core.port.RecordStore() {
        @Override
        public java.util.Optional<dev.syncline.core.port.Versioned> load(RecordKey key) {
          loads.incrementAndGet();
          return records.load(key);
        }

        @Override
        public long write(RecordKey key, dev.syncline.core.port.StoredRecord record, long expectedVersion) {
          return records.write(key, record, expectedVersion);
        }

        @Override
        public List<RecordKey> withDueOutbox(long nowMillis, int limit) {
          return records.withDueOutbox(nowMillis, limit);
        }

        @Override
        public dev.syncline.core.port.BucketPage scanBucket(int bucket, String cursor, int limit) {
          dev.syncline.core.port.BucketPage page = records.scanBucket(bucket, cursor, limit);
          pagesScanned.incrementAndGet();
          pairsScanned.addAndGet(page.entries().size());
          return page;
        }
      };
    }

    /** The replica's clock, in the seconds a signature's timestamp counts. */
    long nowSeconds() {
      return time.get() / 1000;
    }

    /** Applies an intent through the bus path. */
    void write(String intentId, String subject, String opsJson) {
      replica.intents.deliverStructured(Samples.intentJson("/apps/mesh", intentId, subject, opsJson));
      time.incrementAndGet();
    }

    RecordState state(RecordKey key) {
      return records.load(key).map(v -> v.record().state()).orElse(RecordState.EMPTY);
    }

    /** The view's JSON, or {@code (none)} if the record was never written here. */
    String view(RecordKey key) {
      return records.load(key)
          .map(v -> new String(ViewCodec.encode(v.record().state().view(key)), StandardCharsets.UTF_8)).orElse("(none)");
    }
  }

  Mesh(AntiEntropy.Settings settings, String... ids) {
    this.settings = settings;
    int seed = 1;
    for (String id : ids) {
      nodes.put(id, new Node(id, seed++));
    }
  }

  /** Every replica with every other as its peer. */
  Mesh fullyWired() {
    for (Node n : nodes.values()) {
      n.wire(nodes.keySet().stream().filter(p -> !p.equals(n.id)).toList());
    }
    return this;
  }

  Node node(String id) {
    return nodes.get(id);
  }

  private HttpResponse send(String from, URI target, HttpRequest request) throws IOException {
    String to = target.getHost().replace(".mesh.invalid", "");
    if (cut.contains(from + ">" + to) || cut.contains(to + ">" + from)) {
      throw new java.net.ConnectException(from + " cannot reach " + to);
    }
    if (refusing.contains(from + ">" + to)) {
      return dev.syncline.core.http.Problem.of(400, "malformed-event", "Malformed event", "refused by the test").toResponse();
    }
    bytesOnWire.addAndGet(request.bodyLength());
    HttpResponse answer = nodes.get(to).replica.ingress.handle(request);
    bytesOnWire.addAndGet(answer.body() == null ? 0 : answer.body().length);
    return answer;
  }

  /** Drains every replica's outbox until nothing is due (links permitting). */
  void drainAll() {
    for (int i = 0; i < 5; i++) {
      for (Node n : nodes.values()) {
        if (n.replica != null) {
          n.replica.drain.drainPending(10_000);
        }
      }
    }
  }

  /** Runs anti-entropy rounds on every replica over a whole cycle of windows; returns the summed report. */
  AntiEntropy.Report cycle() {
    AntiEntropy.Report total = null;
    int per = settings.bucketsPerRound();
    for (int first = 0; first < RecordDigest.BUCKETS; first += per) {
      for (Node n : nodes.values()) {
        if (n.replica == null) {
          continue;
        }
        AntiEntropy.Report r = n.replica.antiEntropy.round(first, per);
        total = total == null ? r : total.plus(r);
      }
    }
    return total;
  }

  /** The subjects whose states differ between any two replicas. */
  List<String> differing() {
    Set<RecordKey> keys = new java.util.TreeSet<>();
    nodes.values().forEach(n -> keys.addAll(n.records.keys()));
    List<String> out = new ArrayList<>();
    for (RecordKey k : keys) {
      RecordState first = null;
      for (Node n : nodes.values()) {
        RecordState s = n.state(k);
        if (first == null) {
          first = s;
        } else if (!first.equals(s)) {
          out.add(k.subject());
          break;
        }
      }
    }
    return out;
  }
}
