package dev.syncline.core;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.ConflictSink;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.DedupeStore;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.RecordStore;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A replica as a cloud's functions use it, wired the same way on every cloud from that cloud's
 * stores: the intent path, the HTTPS ingress and the drain, over one engine that forwards with a
 * signed {@link HttpPeerClient}. Each cloud module builds one per function instance, once.
 */
public final class Replica {

  /** Sends to a record's peers in parallel; daemon threads, so a function's JVM can still exit. */
  private static final Executor SENDS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "syncline-send");
    t.setDaemon(true);
    return t;
  });

  /** The bus-triggered intent path. */
  public final IntentDelivery intents;
  /** The HTTPS ingress of DESIGN section 6. */
  public final IngressHandler ingress;
  /** The scheduled (and immediate) forwarding. */
  public final OutboxDrain drain;

  private Replica(IntentDelivery intents, IngressHandler ingress, OutboxDrain drain) {
    this.intents = intents;
    this.ingress = ingress;
    this.drain = drain;
  }

  /**
   * Wires a replica.
   *
   * @param secrets the Standard Webhooks signing secrets, the current one first
   * @param allowPlainHttpToLoopback lets peers be {@code http://127.0.0.1...}, for tests only
   * @param retry the outbox's backoff between attempts to reach a peer
   * @param metrics where the engine, the intent path and the drain report their signals (each
   *     cloud passes its {@code LogLineMetrics}; {@link Metrics#NONE} drops them)
   */
  public static Replica wire(
      String replicaId,
      List<Peer> peers,
      List<String> secrets,
      boolean allowPlainHttpToLoopback,
      Backoff retry,
      RecordStore records,
      DedupeStore dedupe,
      DeadLetterSink deadLetters,
      Clock clock,
      Metrics metrics) {
    ReplicaConfig config = ReplicaConfig.of(replicaId, peers);
    SyncEngine engine = new SyncEngine(
        config, records, dedupe, new HybridLogicalClock(clock, config.maxSkew().toMillis()),
        metrics, ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
    HttpPeerClient client = HttpPeerClient.builder(secrets, clock)
        .allowPlainHttpToLoopback(allowPlainHttpToLoopback)
        .peers(peers)
        .build();
    OutboxDrain drain = new OutboxDrain(
        replicaId, peers, records, client, deadLetters, clock, metrics,
        retry, Duration.ofDays(7), new SplittableRandom(), SENDS);
    return new Replica(
        new IntentDelivery(engine, drain, deadLetters, metrics),
        new IngressHandler(engine, new WebhookVerifier(secrets, clock)),
        drain);
  }
}
