package dev.syncline.core;

import dev.syncline.core.clock.Clock;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.extension.Extensions;
import dev.syncline.core.http.HttpPeerClient;
import dev.syncline.core.http.IngressHandler;
import dev.syncline.core.http.WebhookVerifier;
import dev.syncline.core.outbox.Backoff;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.DedupeStore;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.Subscriber;
import dev.syncline.core.repair.AntiEntropy;
import dev.syncline.core.repair.DeadLetterReplay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;

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
  /** The scheduled comparison with every peer, and the repair of what differs. */
  public final AntiEntropy antiEntropy;

  private Replica(IntentDelivery intents, IngressHandler ingress, OutboxDrain drain, AntiEntropy antiEntropy) {
    this.intents = intents;
    this.ingress = ingress;
    this.drain = drain;
    this.antiEntropy = antiEntropy;
  }

  /** Starts wiring the replica {@code replicaId}; see {@link Builder}. */
  public static Builder builder(String replicaId) {
    return new Builder(replicaId);
  }

  /**
   * Starts wiring a replica from the settings all clouds share, as a deployed function does: its
   * peers, secrets (if set there), retry and anti-entropy pacing, and its extensions, found on
   * the class path at {@link Builder#build} (see {@link Extensions#load}) unless {@link
   * Builder#extensions} sets them.
   */
  public static Builder builder(Settings.Common settings) {
    Builder b = new Builder(settings.replicaId())
        .peers(settings.peers())
        .allowPlainHttpToLoopback(settings.allowPlainHttpToLoopback())
        .retry(settings.retry())
        .antiEntropy(settings.antiEntropy())
        .subscribers(settings.subscribers());
    settings.secrets().ifPresent(b::secrets);
    b.schemaSetting = settings.schemas();
    b.discover = true;
    return b;
  }

  /**
   * What a replica is wired from. Required: the stores, the clock and both kinds of secret;
   * peers, the retry backoff and the metrics have defaults (none, {@link Backoff#standard()},
   * {@link Metrics#NONE}).
   */
  public static final class Builder {
    private final String replicaId;
    private List<Peer> peers = List.of();
    private List<Subscriber> subscribers = List.of();
    private List<String> inboundSecrets = List.of();
    private Map<String, String> peerSecrets = Map.of();
    private boolean allowPlainHttpToLoopback;
    private Backoff retry = Backoff.standard();
    private RecordStore records;
    private DedupeStore dedupe;
    private DeadLetterSink deadLetters;
    private Clock clock;
    private Metrics metrics = Metrics.NONE;
    private HttpPeerClient.Transport transport;
    private Executor sends = SENDS;
    private RandomGenerator jitter = new SplittableRandom();
    private AntiEntropy.Settings antiEntropy = AntiEntropy.Settings.standard();
    private Duration maxAge = Duration.ofDays(7);
    private Extensions extensions;
    private Optional<String> schemaSetting = Optional.empty();
    private boolean discover;

    private Builder(String replicaId) {
      this.replicaId = replicaId;
    }

    /** Every other replica, each reached at its HTTPS ingress. */
    public Builder peers(List<Peer> peers) {
      this.peers = List.copyOf(peers);
      return this;
    }

    /**
     * Webhooks that receive this replica's change feed, each signed with the secret {@link
     * #peerSecrets} holds under its name.
     */
    public Builder subscribers(List<Subscriber> subscribers) {
      this.subscribers = List.copyOf(subscribers);
      return this;
    }

    /**
     * This replica's own Standard Webhooks secrets, which its ingress verifies with, the current
     * one first (several during a rotation). Peers sign what they send here with the current one.
     */
    public Builder inboundSecrets(List<String> secrets) {
      this.inboundSecrets = List.copyOf(secrets);
      return this;
    }

    /** By peer replica id, the secret that peer verifies with (its current inbound secret). */
    public Builder peerSecrets(Map<String, String> secrets) {
      this.peerSecrets = Map.copyOf(secrets);
      return this;
    }

    /** Both kinds of secret at once. */
    public Builder secrets(SigningSecrets secrets) {
      return inboundSecrets(secrets.inbound()).peerSecrets(secrets.peers());
    }

    /** Lets peers be {@code http://127.0.0.1...}, for tests only. */
    public Builder allowPlainHttpToLoopback(boolean allow) {
      this.allowPlainHttpToLoopback = allow;
      return this;
    }

    /** The outbox's backoff between attempts to reach a peer. */
    public Builder retry(Backoff retry) {
      this.retry = retry;
      return this;
    }

    /** The cloud's stores: records, intent dedupe, dead letters. */
    public Builder stores(RecordStore records, DedupeStore dedupe, DeadLetterSink deadLetters) {
      this.records = records;
      this.dedupe = dedupe;
      this.deadLetters = deadLetters;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Where the engine, the intent path and the drain report their signals (each cloud passes its
     * {@code LogLineMetrics}).
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** How changes reach peers, for the simulator; default: HTTPS with the JDK's client. */
    public Builder transport(HttpPeerClient.Transport transport) {
      this.transport = transport;
      return this;
    }

    /**
     * Where a record's sends to its peers run, and the records of a drain pass ({@link
     * OutboxDrain#RECORDS_AT_ONCE} at a time); default: a shared cached pool, so they run in
     * parallel. A record's drain waits on sends it queues here, so a bounded pool must have room
     * for {@code RECORDS_AT_ONCE} drains and their sends, or a pass can wait forever. The simulator
     * passes {@code Runnable::run} to stay on one thread.
     */
    public Builder sends(Executor sends) {
      this.sends = sends;
      return this;
    }

    /** How anti-entropy paces itself; default {@link AntiEntropy.Settings#standard()}. */
    public Builder antiEntropy(AntiEntropy.Settings settings) {
      this.antiEntropy = settings;
      return this;
    }

    /**
     * The schemas, conflict handler and listeners to run with, in place of any found on the class
     * path; default {@link Extensions#NONE}, or, for a builder from {@link Settings.Common}, what
     * {@link Extensions#load} finds.
     */
    public Builder extensions(Extensions extensions) {
      this.extensions = extensions;
      return this;
    }

    /** How long a change may wait for a peer before it is dead-lettered; default 7 days. */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = maxAge;
      return this;
    }

    /** The randomness of the outbox's backoff jitter; the simulator seeds it. */
    public Builder jitter(RandomGenerator jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Wires the replica.
     *
     * @throws SynclineException CONFIGURATION naming what is missing or invalid: a store, the
     *     clock, an inbound secret, a peer's signing secret, a peer URL, the schema document, an
     *     extension that fails to start (or two of them)
     */
    public Replica build() {
      if (records == null || dedupe == null || deadLetters == null || clock == null) {
        throw SynclineException.configuration("a replica needs its record, dedupe and dead-letter stores and a clock");
      }
      ReplicaConfig config;
      WebhookVerifier verifier;
      HttpPeerClient client;
      try {
        config = ReplicaConfig.of(replicaId, peers).withSubscribers(subscribers);
        if (maxAge.isNegative() || maxAge.isZero()) {
          throw new IllegalArgumentException("the outbox's max age must be positive, got " + maxAge);
        }
        if (inboundSecrets.isEmpty()) {
          throw new IllegalArgumentException("no inbound signing secret (SYNCLINE_SECRETS) is set");
        }
        for (Subscriber subscriber : subscribers) {
          // A webhook holds its secret; were it also one this replica or a peer verifies with, the
          // webhook's owner could sign changes and intents.
          String secret = peerSecrets.get(subscriber.name());
          boolean shared = secret != null && (inboundSecrets.contains(secret)
              || peers.stream().anyMatch(p -> secret.equals(peerSecrets.get(p.replica()))));
          if (shared) {
            throw new IllegalArgumentException("subscriber " + subscriber.name() + " signs with a secret that a replica"
                + " verifies with; give every subscriber a secret of its own");
          }
        }
        verifier = new WebhookVerifier(inboundSecrets, clock);
        HttpPeerClient.Builder http = HttpPeerClient.builder(peerSecrets, clock)
            .allowPlainHttpToLoopback(allowPlainHttpToLoopback)
            .peers(peers)
            .subscribers(subscribers)
            .origin(replicaId);
        if (transport != null) {
          http.transport(transport);
        }
        client = http.build();
      } catch (IllegalArgumentException e) {
        throw SynclineException.configuration(e.getMessage());
      }
      Extensions ext = extensions != null ? extensions
          : discover ? Extensions.load(schemaSetting, Replica.class.getClassLoader())
          : Extensions.NONE;
      config = config.withSchemas(ext.schemas());
      SyncEngine engine = SyncEngine.builder(config, records, dedupe, new HybridLogicalClock(clock, config.maxSkew().toMillis()))
          .metrics(metrics)
          .conflictHandler(ext.conflictHandler())
          .listeners(ext.listeners())
          .build();
      OutboxDrain drain = new OutboxDrain(config, records, client, deadLetters, clock, metrics, retry, maxAge, jitter, sends);
      AntiEntropy repair = new AntiEntropy(engine, records, client, clock, metrics, antiEntropy, sends);
      IngressHandler ingress = IngressHandler.builder(engine, verifier)
          .antiEntropy(repair)
          .deadLetters(new DeadLetterReplay(engine, drain, deadLetters, client, clock, metrics))
          .build();
      return new Replica(new IntentDelivery(engine, drain, deadLetters, metrics), ingress, drain, repair);
    }
  }
}
