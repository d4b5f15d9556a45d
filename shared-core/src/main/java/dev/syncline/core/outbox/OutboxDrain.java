package dev.syncline.core.outbox;

import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.Limits;
import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.clock.Clock;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.ChangeEvents.HttpMessage;
import dev.syncline.core.event.ChangeParts;
import dev.syncline.core.event.FeedEvents;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Subscriber;
import dev.syncline.core.port.Versioned;
import io.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards what records owe their peers (DESIGN section 5.3): one signed change per peer per
 * record (or several, if it would not fit one request), read from the record's current state,
 * cleared on 2xx; failures retried with exponential backoff and full jitter; entries older than
 * the max age, or refused by the peer as invalid (400, 415), go to the dead-letter sink. A 413 is
 * retried, never dropped.
 *
 * <p>An entry is cleared only if it is still the one that was sent (same change id). If a write
 * joined more into it meanwhile, what was delivered is subtracted from it: the dots sent go,
 * except those whose state changed since (a value sent, then removed), and the intents sent go.
 */
public final class OutboxDrain {

  private static final Logger log = LoggerFactory.getLogger(OutboxDrain.class);

  private final String replicaId;
  private final String schema;
  private final Map<String, Subscriber> subscribers;
  private final Map<String, Peer> peers;
  private final RecordStore records;
  private final PeerClient client;
  private final DeadLetterSink deadLetters;
  private final Clock clock;
  private final Metrics metrics;
  private final Backoff backoff;
  private final Duration maxAge;
  private final RandomGenerator random;
  private final Object jitterLock = new Object();
  private final Executor sends;

  /** How many records one {@link #drainPending} pass drains at a time, on the sends executor. */
  public static final int RECORDS_AT_ONCE = 8;

  /** A drain that sends to one peer after another, on the calling thread (tests, the simulator). */
  public OutboxDrain(
      ReplicaConfig config,
      RecordStore records,
      PeerClient client,
      DeadLetterSink deadLetters,
      Clock clock,
      Metrics metrics,
      Backoff backoff,
      Duration maxAge,
      RandomGenerator random) {
    this(config, records, client, deadLetters, clock, metrics, backoff, maxAge, random, Runnable::run);
  }

  /**
   * A drain whose sends to a record's peers run on {@code sends}, so that one record reaches all
   * its peers in the time of the slowest rather than the sum; their outcomes are then recorded
   * in peer order, exactly as in the sequential drain. A {@link #drainPending} pass drains up to
   * {@value #RECORDS_AT_ONCE} records at a time on it too, so {@code sends} must not be a bounded
   * pool smaller than that plus their sends (the replica's is a cached pool).
   */
  public OutboxDrain(
      ReplicaConfig config,
      RecordStore records,
      PeerClient client,
      DeadLetterSink deadLetters,
      Clock clock,
      Metrics metrics,
      Backoff backoff,
      Duration maxAge,
      RandomGenerator random,
      Executor sends) {
    this.replicaId = config.replicaId();
    this.schema = config.schemas().fingerprint();
    this.peers = config.peers().stream().collect(Collectors.toMap(Peer::replica, Function.identity()));
    this.subscribers = config.subscribers().stream().collect(Collectors.toMap(Subscriber::outboxKey, Function.identity()));
    this.records = records;
    this.client = client;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.metrics = metrics;
    this.backoff = backoff;
    this.maxAge = maxAge;
    this.random = random;
    this.sends = sends;
  }

  /**
   * What one pass did.
   *
   * @param pending after {@link #drainPending}: records still owing a peer or a subscriber
   *     anything, due or in backoff (counted up to the pass's limit); after {@link #drain}: entries
   *     left on the record
   * @param outboxAgeMillis how long the oldest change still owed to a peer by the records this pass
   *     visited has been waiting (now minus its {@code firstPendingMillis}); 0 when they owe nothing
   * @param feedPending records this pass visited that still owe a subscriber its feed events
   * @param feedAgeMillis the same age as {@code outboxAgeMillis}, over what is owed to subscribers
   */
  public record Report(
      int delivered, int retrying, int deadLettered, int pending, long outboxAgeMillis, int feedPending, long feedAgeMillis) {

    static final Report NOTHING = new Report(0, 0, 0, 0, 0);

    /** A report with nothing owed to subscribers. */
    public Report(int delivered, int retrying, int deadLettered, int pending, long outboxAgeMillis) {
      this(delivered, retrying, deadLettered, pending, outboxAgeMillis, 0, 0);
    }

    Report plus(Report o) {
      return new Report(
          delivered + o.delivered, retrying + o.retrying, deadLettered + o.deadLettered, pending + o.pending,
          Math.max(outboxAgeMillis, o.outboxAgeMillis), feedPending + o.feedPending, Math.max(feedAgeMillis, o.feedAgeMillis));
    }
  }

  /**
   * The scheduled pass: drains up to {@code limit} records with an entry due now, then reports
   * {@link Metrics#outboxDepth} (records owing anything, up to {@code limit}) and {@link
   * Metrics#outboxAge}: the age of the oldest change still owed after the pass, over the records
   * it visited. Records whose entries all wait out a backoff are not visited, so their age is not
   * in this pass's figure; with a backoff cap of 60 s (the default) every owing record is due, and
   * so visited, at least once per cap plus one drain period (about two minutes with a drain every
   * minute). Alarm on the maximum over a window at least that long. A record whose drain failed
   * (its store unavailable) is not in the figure either.
   */
  public Report drainPending(int limit) {
    Report total = Report.NOTHING;
    // Records are independent (each drain ends in a conditional write of its own record), so up to
    // RECORDS_AT_ONCE of them are drained at a time on the sends executor: a pass then takes the
    // time of its slowest records rather than the sum of all. On a direct executor (tests, the
    // simulator) each runs inline, in order.
    Semaphore slots = new Semaphore(RECORDS_AT_ONCE);
    AtomicBoolean failed = new AtomicBoolean();
    List<CompletableFuture<Report>> running = new ArrayList<>();
    for (RecordKey key : records.withDueOutbox(clock.millis(), limit)) {
      slots.acquireUninterruptibly();
      if (failed.get()) {
        slots.release();
        break; // a record's drain failed past drainQuietly: start no more, as a pass on one thread stops
      }
      CompletableFuture<Report> one;
      try {
        one = CompletableFuture.supplyAsync(() -> drainQuietly(key), sends);
      } catch (RuntimeException rejected) {
        slots.release();
        failed.set(true);
        running.add(CompletableFuture.failedFuture(rejected));
        break;
      }
      running.add(one.whenComplete((r, e) -> {
        if (e != null) {
          failed.set(true);
        }
        slots.release();
      }));
    }
    // Every record started is waited for, so that no drain outlives the pass (on Lambda, a thread
    // still running when the invocation ends is frozen and would resume inside the next one).
    Throwable failure = null;
    for (CompletableFuture<Report> one : running) {
      try {
        total = total.plus(one.join());
      } catch (CompletionException e) {
        // not a store or a peer failing (drainQuietly keeps those to their record): a bug, or the
        // process going down
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (failure == null) {
          failure = cause;
        } else if (failure != cause) {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    int owing = records.withDueOutbox(Long.MAX_VALUE, limit).size();
    metrics.outboxDepth(owing);
    metrics.outboxAge(total.outboxAgeMillis());
    if (!subscribers.isEmpty()) {
      metrics.feedPending(total.feedPending());
      metrics.feedAge(total.feedAgeMillis());
    }
    return new Report(total.delivered(), total.retrying(), total.deadLettered(), owing, total.outboxAgeMillis(),
        total.feedPending(), total.feedAgeMillis());
  }

  /** One record's drain in a pass; one that cannot be drained now must not stop the others. */
  private Report drainQuietly(RecordKey key) {
    try {
      return drain(key);
    } catch (SynclineException e) {
      if (e.isTransient()) {
        log.warn("drain of {} deferred: {}", key, e.kind());
      } else {
        log.error("drain of {} failed: {}", key, e.kind(), e);
      }
      return Report.NOTHING;
    }
  }

  private enum Result { CLEAR, RETRY }

  /** What became of one entry as loaded: it is settled ({@code CLEAR}) or waits ({@code RETRY}). */
  private record Sent(OutboxEntry entry, Result result, long nextAttemptMillis) {}

  /**
   * One due entry: its change in one or more parts (or, for a subscriber, its feed events), and,
   * unless it must be dead-lettered, the sends. {@code to} names the peer or subscriber, or is null
   * if it is no longer configured.
   */
  private record Send(OutboxEntry entry, String to, List<CloudEvent> parts, CompletableFuture<Delivery> delivery) {}

  /**
   * Sends what one record owes every peer and subscriber that is due now: for each peer, the part
   * of the record's state the entry names ({@link RecordState#restrict}), with the intent keys it
   * carries, in as many changes as it takes for each to fit {@link Limits#MAX_CHANGE_BYTES}; for
   * each subscriber, its feed events ({@link FeedEvents}).
   */
  public Report drain(RecordKey key) {
    return drain(key, true);
  }

  /**
   * Sends what one record owes its peers, and leaves its subscribers to the scheduled pass: the
   * intent path forwards with this, so a slow or unreachable webhook never delays an intent's
   * acknowledgement or its replication.
   */
  public Report drainToPeers(RecordKey key) {
    return drain(key, false);
  }

  private Report drain(RecordKey key, boolean subscribersToo) {
    Optional<Versioned> loaded = records.load(key);
    if (loaded.isEmpty() || loaded.get().record().outbox().isEmpty()) {
      return Report.NOTHING;
    }
    long now = clock.millis();
    RecordState state = loaded.get().record().state();
    Map<String, Sent> sent = new HashMap<>();
    int delivered = 0;
    int retrying = 0;
    int dead = 0;
    List<Send> sending = new ArrayList<>();
    for (OutboxEntry entry : loaded.get().record().outbox().values()) {
      if (entry.nextAttemptMillis() > now || (!subscribersToo && Subscriber.isOutboxKey(entry.peer()))) {
        continue;
      }
      boolean fresh = now - entry.firstPendingMillis() <= maxAge.toMillis();
      List<CloudEvent> parts;
      String to;
      java.util.function.Function<CloudEvent, Delivery> send;
      if (Subscriber.isOutboxKey(entry.peer())) {
        Subscriber subscriber = subscribers.get(entry.peer());
        parts = FeedEvents.of(replicaId, state.view(key), entry.changeId(), entry.firstPendingMillis(), entry.traceparent());
        to = subscriber == null ? null : "subscriber " + subscriber.name();
        send = event -> client.deliverToSubscriber(subscriber, event);
      } else {
        Peer peer = peers.get(entry.peer());
        parts = changes(key, entry, state);
        to = peer == null ? null : "peer " + peer.replica();
        send = event -> client.deliver(peer, event);
      }
      CompletableFuture<Delivery> delivery = null;
      if (to != null && fresh) {
        delivery = CompletableFuture.supplyAsync(() -> deliverAll(send, parts), sends)
            .exceptionally(e -> new Delivery.Retry(String.valueOf(e)));
      }
      sending.add(new Send(entry, to, parts, delivery));
    }
    for (Send s : sending) {
      OutboxEntry entry = s.entry();
      String reason;
      if (s.to() == null) {
        reason = entry.peer() + " is no longer configured";
      } else if (s.delivery() == null) {
        reason = s.to() + " did not take it for longer than " + maxAge;
      } else {
        Delivery delivery = s.delivery().join();
        if (delivery instanceof Delivery.Delivered) {
          sent.put(entry.peer(), new Sent(entry, Result.CLEAR, 0));
          delivered++;
          continue;
        }
        if (delivery instanceof Delivery.Refused refused && refused.status() != 413) {
          reason = s.to() + " refused it with " + refused.status() + ": " + refused.reason();
        } else {
          // A 413 is retried, never dropped: each part fits the ingress, so it is the peer's store
          // that cannot take the merged record now; the max age bounds how long.
          long next;
          synchronized (jitterLock) { // records of one pass are drained concurrently
            next = now + backoff.delayMillis(entry.attempts() + 1, random);
          }
          sent.put(entry.peer(), new Sent(entry, Result.RETRY, next));
          retrying++;
          if (delivery instanceof Delivery.Refused tooLarge) {
            log.warn("peer {} refused change {} as too large ({}); retrying", entry.peer(), entry.changeId(), tooLarge.reason());
          } else {
            log.debug("delivery of {} to {} failed: {}", entry.changeId(), entry.peer(), ((Delivery.Retry) delivery).reason());
          }
          continue;
        }
      }
      for (CloudEvent part : s.parts()) {
        HttpMessage body = ChangeEvents.toStructured(part);
        deadLetters.accept(new DeadLetter(DeadLetter.Kind.CHANGE, key.subject(), part.getId(), reason, body.body(), entry.peer()));
      }
      metrics.deadLettered();
      log.warn("change {} for {} dead-lettered: {}", entry.changeId(), entry.peer(), reason);
      sent.put(entry.peer(), new Sent(entry, Result.CLEAR, 0));
      dead++;
    }
    Map<String, OutboxEntry> left = record(key, loaded.get(), sent, now);
    long at = clock.millis();
    List<OutboxEntry> toPeers = left.values().stream().filter(e -> !Subscriber.isOutboxKey(e.peer())).toList();
    List<OutboxEntry> toSubscribers = left.values().stream().filter(e -> Subscriber.isOutboxKey(e.peer())).toList();
    return new Report(delivered, retrying, dead, left.size(), oldestAge(toPeers, at),
        toSubscribers.isEmpty() ? 0 : 1, oldestAge(toSubscribers, at));
  }

  /** Sends the parts one after another; delivered only if every part is. */
  private static Delivery deliverAll(java.util.function.Function<CloudEvent, Delivery> send, List<CloudEvent> parts) {
    for (CloudEvent part : parts) {
      Delivery d = send.apply(part);
      if (!(d instanceof Delivery.Delivered)) {
        return d;
      }
    }
    return new Delivery.Delivered();
  }

  /**
   * The change events that carry what {@code entry} owes ({@link ChangeParts}): the record's state
   * restricted to the owed dots, with the entry's intent keys, in parts that each fit.
   */
  private List<CloudEvent> changes(RecordKey key, OutboxEntry entry, RecordState state) {
    return ChangeParts.of(replicaId, key, entry.changeId(), entry.firstPendingMillis(), state, entry.pending(),
        entry.intents(), entry.traceparent(), schema);
  }

  /** How long the oldest of {@code entries} has been pending at {@code nowMillis}; 0 if none. */
  private static long oldestAge(Iterable<OutboxEntry> entries, long nowMillis) {
    long age = 0;
    for (OutboxEntry e : entries) {
      age = Math.max(age, nowMillis - e.firstPendingMillis());
    }
    return age;
  }

  /**
   * Writes the drain's bookkeeping, on fresh state if a write raced it: a settled entry that no
   * write joined since goes; one that grew keeps only what was not sent, plus what was sent but
   * changed since ({@link OutboxEntry#after}).
   *
   * @return the entries left
   */
  private Map<String, OutboxEntry> record(RecordKey key, Versioned first, Map<String, Sent> sent, long loadedAt) {
    RecordState sentFrom = first.record().state();
    Versioned current = first;
    while (true) {
      StoredRecord stored = current.record();
      TreeMap<String, OutboxEntry> outbox = new TreeMap<>(stored.outbox());
      boolean changed = false;
      for (Map.Entry<String, Sent> e : sent.entrySet()) {
        OutboxEntry entry = outbox.get(e.getKey());
        if (entry == null) {
          continue;
        }
        Sent result = e.getValue();
        boolean grew = !entry.changeId().equals(result.entry().changeId());
        if (result.result() == Result.RETRY) {
          outbox.put(e.getKey(), entry.failed(result.nextAttemptMillis()));
        } else if (grew) {
          CausalContext sentDots = result.entry().pending().intersect(sentFrom.context());
          CausalContext since = sentFrom.changedIn(stored.state(), sentDots);
          Optional<OutboxEntry> left = entry.after(result.entry(), sentDots, since, stored.state().context(), loadedAt);
          if (left.isPresent()) {
            outbox.put(e.getKey(), left.get());
          } else {
            outbox.remove(e.getKey());
          }
        } else {
          outbox.remove(e.getKey());
        }
        changed = true;
      }
      if (!changed) {
        return outbox;
      }
      try {
        records.write(key, stored.withOutbox(outbox), current.version());
        return outbox;
      } catch (SynclineException e) {
        if (e.kind() != SynclineException.Kind.CONCURRENT_MODIFICATION) {
          throw e;
        }
        Optional<Versioned> reloaded = records.load(key);
        if (reloaded.isEmpty()) {
          return Map.of();
        }
        current = reloaded.get();
      }
    }
  }
}
