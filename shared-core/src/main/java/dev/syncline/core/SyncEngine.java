package dev.syncline.core;

import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.clock.Hlc;
import dev.syncline.core.crdt.CausalContext;
import dev.syncline.core.crdt.Causality;
import dev.syncline.core.crdt.Conflict;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.Counter;
import dev.syncline.core.crdt.Dot;
import dev.syncline.core.crdt.Op;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.crdt.RecordView;
import dev.syncline.core.event.ChangeEvents.RemoteChange;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.extension.ChangeListener;
import dev.syncline.core.extension.RecordChange;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.port.AppliedIntents;
import dev.syncline.core.port.ConflictSink;
import dev.syncline.core.port.DedupeStore;
import dev.syncline.core.port.Metrics;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Subscriber;
import dev.syncline.core.port.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies write intents and remote changes to one replica's records. Stateless between calls
 * (everything lives in the ports), thread-safe, and safe to run in many function instances of one
 * replica at once.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>An intent takes effect once per ({@code source}, {@code id}): the dedupe store's lease
 *       keeps concurrent duplicates apart, and the record itself remembers the intents applied to
 *       it, written in the same conditional write as the effect, so a redelivery after a crash
 *       between the write and the acknowledgement is still recognized.
 *   <li>The effect and an outbox entry for every peer are written in ONE conditional write; lost
 *       races are retried on fresh state.
 *   <li>A remote change is merged with the CRDT join and is acknowledged only after the merged
 *       state is durable; merging it again changes nothing.
 * </ul>
 */
public final class SyncEngine {

  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

  /** Applied intents a record always remembers; older ones go once their completion is confirmed. */
  static final int KEPT_INTENTS = 128;

  private final ReplicaConfig config;
  private final RecordStore records;
  private final Dedupe dedupe;
  private final HybridLogicalClock hlc;
  private final Metrics metrics;
  private final ConflictSink conflicts;
  private final ConflictHandler conflictHandler;
  private final List<ChangeListener> listeners;
  private final String schema;
  private final java.util.Set<String> mismatchedPeers = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** An engine with no change listeners; see {@link #builder} for one with them. */
  public SyncEngine(
      ReplicaConfig config,
      RecordStore records,
      DedupeStore dedupe,
      HybridLogicalClock hlc,
      Metrics metrics,
      ConflictSink conflicts,
      ConflictHandler conflictHandler) {
    this(builder(config, records, dedupe, hlc).metrics(metrics).conflicts(conflicts).conflictHandler(conflictHandler));
  }

  private SyncEngine(Builder b) {
    this.config = b.config;
    this.records = b.records;
    this.dedupe = new Dedupe(b.dedupe);
    this.hlc = b.hlc;
    this.metrics = b.metrics;
    this.conflicts = b.conflicts;
    this.conflictHandler = b.conflictHandler;
    this.listeners = List.copyOf(b.listeners);
    this.schema = b.config.schemas().fingerprint();
  }

  /** Starts an engine over a replica's config, stores and clock; the rest defaults to none. */
  public static Builder builder(ReplicaConfig config, RecordStore records, DedupeStore dedupe, HybridLogicalClock hlc) {
    return new Builder(config, records, dedupe, hlc);
  }

  /**
   * What an engine is built from besides its config and stores: metrics ({@link Metrics#NONE}),
   * a conflict sink ({@link ConflictSink#NONE}), a conflict handler ({@link
   * ConflictHandler#KEEP_SIBLINGS}) and change listeners (none).
   */
  public static final class Builder {
    private final ReplicaConfig config;
    private final RecordStore records;
    private final DedupeStore dedupe;
    private final HybridLogicalClock hlc;
    private Metrics metrics = Metrics.NONE;
    private ConflictSink conflicts = ConflictSink.NONE;
    private ConflictHandler conflictHandler = ConflictHandler.KEEP_SIBLINGS;
    private List<ChangeListener> listeners = List.of();

    private Builder(ReplicaConfig config, RecordStore records, DedupeStore dedupe, HybridLogicalClock hlc) {
      this.config = config;
      this.records = records;
      this.dedupe = dedupe;
      this.hlc = hlc;
    }

    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder conflicts(ConflictSink conflicts) {
      this.conflicts = conflicts;
      return this;
    }

    public Builder conflictHandler(ConflictHandler handler) {
      this.conflictHandler = handler;
      return this;
    }

    /** Called after each durable change, in order; see {@link ChangeListener} for the guarantee. */
    public Builder listeners(List<ChangeListener> listeners) {
      this.listeners = List.copyOf(listeners);
      return this;
    }

    public SyncEngine build() {
      return new SyncEngine(this);
    }
  }

  public ReplicaConfig config() {
    return config;
  }

  /**
   * Deletes up to {@code limit} dedupe entries past their TTL from a dedupe store without TTL of
   * its own ({@link DedupeStore#sweepExpired}); with one, it deletes nothing.
   *
   * @return how many were deleted
   * @throws SynclineException UNAVAILABLE if the store cannot be reached
   */
  public int sweepExpiredDedupe(int limit) {
    return dedupe.sweep(hlc.wallClock().millis(), limit);
  }

  /**
   * Applies a write intent exactly once.
   *
   * @return {@code Applied}, {@code Duplicate}, {@code Rejected} (schema violation: dead-letter
   *     it) or {@code InProgress} (a concurrent duplicate holds the lease: retry later)
   * @throws SynclineException UNAVAILABLE or CONCURRENT_MODIFICATION when a retry may succeed
   */
  public ApplyOutcome applyIntent(WriteIntent intent) {
    String key = intent.dedupeKey();
    long now = hlc.wallClock().millis();
    String token = UUID.randomUUID().toString();
    long expiresAt = now + config.dedupeTtl().toMillis();
    Claim claim = dedupe.claim(key, token, now, now + config.lease().toMillis(), expiresAt);
    if (claim instanceof Claim.AlreadyCompleted) {
      metrics.duplicate();
      return new ApplyOutcome.Duplicate(intent.key());
    }
    if (claim instanceof Claim.InProgress busy) {
      return new ApplyOutcome.InProgress(intent.key(), Math.max(1, busy.leaseUntilMillis() - now));
    }
    ApplyOutcome outcome;
    try {
      outcome = write(intent.key(), intent.ops(), key, intent.traceparent());
    } catch (RuntimeException e) {
      releaseQuietly(key, token);
      throw e;
    }
    if (outcome instanceof ApplyOutcome.Rejected) {
      // Nothing was written; let a redelivery reject it again rather than call it a duplicate.
      releaseQuietly(key, token);
      return outcome;
    }
    dedupe.complete(key, expiresAt);
    if (outcome instanceof ApplyOutcome.Duplicate) {
      metrics.duplicate();
    } else {
      metrics.intentApplied();
    }
    return outcome;
  }

  /**
   * Merges a change from a peer. Never forwards it (only the origin forwards). Records the intent
   * keys it carries, so that a retry of one of them here is a duplicate.
   *
   * @return {@code Applied} if the state grew, {@code Duplicate} if it held the change already
   * @throws SynclineException AHEAD if the change is stamped more than {@link
   *     Limits#MAX_CLOCK_AHEAD} but at most {@link Limits#MAX_RETRYABLE_AHEAD} ahead of this
   *     replica's clock; MALFORMED if it is stamped further ahead still or names a dot counter
   *     above {@link Dot#MAX_PEER_COUNTER}: either way nothing is merged and the clock is untouched
   */
  public ApplyOutcome applyChange(RemoteChange change) {
    requirePlausible(change);
    Hlc newest = change.delta().latest();
    boolean skewed = hlc.observe(newest); // counted once, if the change is merged
    for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
      Optional<Versioned> loaded = records.load(change.key());
      StoredRecord stored = loaded.map(Versioned::record).orElse(StoredRecord.EMPTY);
      long version = loaded.map(Versioned::version).orElse(0L);
      RecordState merged = stored.state().join(change.delta());
      AppliedIntents applied = stored.appliedIntents().withFromPeers(
          change.intents(), hlc.wallClock().millis() - config.dedupeTtl().toMillis());
      if (merged.equals(stored.state()) && applied.equals(stored.appliedIntents())) {
        metrics.duplicate();
        return new ApplyOutcome.Duplicate(change.key());
      }
      Causality causality = change.delta().context().compare(stored.state().context());
      StoredRecord next = stored.withState(merged).withAppliedIntents(applied);
      if (!config.subscribers().isEmpty() && !merged.equals(stored.state())) {
        next = next.withOutbox(withFeed(new TreeMap<>(stored.outbox()), change.delta().context(),
            change.key().subject() + "@" + (version + 1), hlc.wallClock().millis(), null));
      }
      long written;
      try {
        written = records.write(change.key(), next, version);
      } catch (SynclineException e) {
        if (e.kind() != SynclineException.Kind.CONCURRENT_MODIFICATION) {
          throw e;
        }
        continue;
      }
      if (merged.equals(stored.state())) {
        // Only intent keys were new: the state had this change already.
        metrics.duplicate();
        return new ApplyOutcome.Duplicate(change.key());
      }
      metrics.changeMerged(causality, Math.max(0, hlc.wallClock().millis() - change.timeMillis()));
      if (skewed) {
        metrics.clockSkew();
        log.warn(
            "clock skew: change {} from {} is stamped {} ms ahead of local time",
            change.id(), change.origin(), newest.wall() - hlc.wallClock().millis());
      }
      notifyListeners(change.key(), stored.state(), merged, change.origin(), causality);
      reportConflicts(change.key(), stored.state(), merged);
      return new ApplyOutcome.Applied(change.key(), written, change.delta());
    }
    throw SynclineException.concurrentModification(
        "record " + change.key() + " kept changing; gave up after " + config.maxWriteAttempts() + " attempts");
  }

  /**
   * Notes the schema fingerprint a peer's change carried: one that differs from this replica's
   * counts a {@code SchemaMismatch} and is logged once per peer (per function instance). The
   * change is merged all the same: fields are keyed by name and type, so replicas still converge,
   * but they may refuse different intents and resolve conflicts differently until the schemas
   * agree again.
   */
  public void noteSchema(String peer, String fingerprint) {
    if (fingerprint.equals(schema)) {
      return;
    }
    metrics.schemaMismatch();
    if (mismatchedPeers.add(peer)) {
      log.warn("schema mismatch: {} runs schemas {}, this replica runs {}; their changes are merged all the same,"
          + " but set the same SYNCLINE_SCHEMAS and extension on every cloud", peer, fingerprint, schema);
    }
  }

  /** Refuses a change whose stamps or counters no honest peer could have made (DESIGN 5.8). */
  private void requirePlausible(RemoteChange change) {
    long now = hlc.wallClock().millis();
    long newest = Math.max(change.delta().newestStamp().wall(), change.timeMillis());
    for (long at : change.intents().values()) {
      newest = Math.max(newest, at);
    }
    if (!Limits.plausible(newest, now)) {
      String message = "the change is stamped " + (newest - now) + " ms ahead of this replica's clock; at most "
          + Limits.MAX_CLOCK_AHEAD.toMillis() + " ms are accepted";
      // Within the retry horizon it may be our clock that is behind: the sender retries and the
      // change is taken once we catch up. Further ahead, no honest clock made it.
      throw Limits.retryable(newest, now) ? SynclineException.ahead(message) : SynclineException.malformed(message);
    }
    for (long counter : change.delta().context().maxima().values()) {
      if (counter > Dot.MAX_PEER_COUNTER) {
        throw SynclineException.malformed(
            "the change names dot counter " + counter + "; at most " + Dot.MAX_PEER_COUNTER + " are accepted from a peer");
      }
    }
    change.delta().fields().forEach((field, state) -> {
      if (state instanceof Counter counter && !counter.plausibleFromPeer()) {
        throw SynclineException.malformed("counter " + field.name() + " carries a running sum wider than "
            + Counter.MAX_PEER_SUM_BITS + " bits; no replica's increments add up to that");
      }
    });
  }

  /**
   * The record's view, or empty if nothing was ever written to it (an intent whose ops changed
   * nothing, such as an unset of an absent field, leaves the record as unwritten as before).
   */
  public Optional<RecordView> view(RecordKey key) {
    return records
        .load(key)
        .map(v -> v.record().state())
        .filter(state -> !state.isEmpty())
        .map(state -> state.view(key));
  }

  private ApplyOutcome write(RecordKey key, List<Op> ops, String dedupeKey, String traceparent) {
    for (int attempt = 1; attempt <= config.maxWriteAttempts(); attempt++) {
      Optional<Versioned> loaded = records.load(key);
      StoredRecord stored = loaded.map(Versioned::record).orElse(StoredRecord.EMPTY);
      long version = loaded.map(Versioned::version).orElse(0L);
      if (dedupeKey != null && stored.appliedIntents().contains(dedupeKey)) {
        return new ApplyOutcome.Duplicate(key);
      }
      RecordState.Mutation mutation;
      try {
        Hlc stamp = hlc.stampAbove(stored.state().latest());
        mutation = stored.state().apply(key.entity(), ops, config.replicaId(), stamp, config.schemas());
      } catch (SynclineException e) {
        if (e.kind() == SynclineException.Kind.SCHEMA_VIOLATION || e.kind() == SynclineException.Kind.TOO_LARGE) {
          return new ApplyOutcome.Rejected(key, e.kind(), e.getMessage());
        }
        throw e;
      }
      Optional<String> tooLarge = overLimit(mutation.state(), ops);
      if (tooLarge.isPresent()) {
        return new ApplyOutcome.Rejected(key, SynclineException.Kind.TOO_LARGE, tooLarge.get());
      }
      long now = hlc.wallClock().millis();
      StoredRecord next =
          new StoredRecord(
              mutation.state(),
              outboxWith(stored, mutation.delta(), dedupeKey, key.subject() + "@" + (version + 1), now, traceparent),
              appliedWith(stored, dedupeKey, now));
      long written;
      try {
        written = records.write(key, next, version);
      } catch (SynclineException e) {
        if (e.kind() != SynclineException.Kind.CONCURRENT_MODIFICATION) {
          throw e;
        }
        continue;
      }
      if (!mutation.delta().isEmpty()) {
        notifyListeners(key, stored.state(), mutation.state(), config.replicaId(), Causality.AFTER);
      }
      reportConflicts(key, stored.state(), mutation.state());
      return new ApplyOutcome.Applied(key, written, mutation.delta());
    }
    throw SynclineException.concurrentModification(
        "record " + key + " kept changing; gave up after " + config.maxWriteAttempts() + " attempts");
  }

  /**
   * Why a write must be refused for size (DESIGN 5.7), if it must: the new state, encoded, is over
   * {@link Limits#MAX_RECORD_BYTES} and the write does more than remove. A record that concurrent
   * writers merged past the limit takes removals ({@code unset}, {@code remove}, {@code delete})
   * until it is back under it, and nothing that adds. So a replica's own entries never exceed the
   * limit, and a merged record never exceeds the number of replicas times it.
   */
  private static Optional<String> overLimit(RecordState after, List<Op> ops) {
    int size = DeltaCodec.encode(after).length;
    if (size <= Limits.MAX_RECORD_BYTES) {
      return Optional.empty();
    }
    boolean onlyRemoves = ops.stream().allMatch(op -> op instanceof Op.Unset || op instanceof Op.Remove || op instanceof Op.Delete);
    if (onlyRemoves) {
      return Optional.empty();
    }
    return Optional.of("the record would take " + size + " bytes; a record holds at most "
        + Limits.MAX_RECORD_BYTES + " bytes on every cloud, and one over it (merged from concurrent writes) takes"
        + " only unset, remove and delete until it is back under");
  }

  private TreeMap<String, OutboxEntry> outboxWith(
      StoredRecord stored, RecordState delta, String dedupeKey, String changeId, long now, String traceparent) {
    TreeMap<String, OutboxEntry> outbox = new TreeMap<>(stored.outbox());
    if (delta.isEmpty()) {
      return outbox;
    }
    CausalContext dots = delta.context();
    for (Peer peer : config.peers()) {
      outbox.merge(
          peer.replica(),
          OutboxEntry.first(peer.replica(), dots, dedupeKey, changeId, now, traceparent),
          (old, fresh) -> old.plus(dots, dedupeKey, changeId, now, traceparent));
    }
    return withFeed(outbox, dots, changeId, now, traceparent);
  }

  /**
   * {@code outbox} with each subscriber owed the record's view after a change of {@code dots}: an
   * entry that carries no intent keys, sent by the drain as the view it then reads.
   */
  private TreeMap<String, OutboxEntry> withFeed(
      TreeMap<String, OutboxEntry> outbox, CausalContext dots, String changeId, long now, String traceparent) {
    for (Subscriber subscriber : config.subscribers()) {
      String key = subscriber.outboxKey();
      outbox.merge(
          key,
          OutboxEntry.first(key, dots, null, changeId, now, traceparent),
          (old, fresh) -> old.plus(dots, null, changeId, now, traceparent));
    }
    return outbox;
  }

  /**
   * The record's applied-intent list after this write: the new key added, keys past the TTL
   * dropped, and, beyond the newest {@value #KEPT_INTENTS}, keys dropped once the dedupe store
   * confirms them completed (a key whose completion was never recorded, because the process died
   * after the record write, stays until the TTL: it is the one a redelivery needs), and the oldest
   * dropped regardless beyond {@link Limits#MAX_LOCAL_INTENTS}.
   */
  private AppliedIntents appliedWith(StoredRecord stored, String dedupeKey, long now) {
    long horizon = now - config.dedupeTtl().toMillis();
    TreeMap<String, Long> applied = new TreeMap<>();
    stored.appliedIntents().local().forEach((k, at) -> {
      if (at > horizon) {
        applied.put(k, at);
      }
    });
    if (dedupeKey != null) {
      applied.put(dedupeKey, now);
    }
    if (applied.size() > KEPT_INTENTS) {
      List<Map.Entry<String, Long>> oldestFirst = new ArrayList<>(applied.entrySet());
      oldestFirst.sort(Map.Entry.comparingByValue());
      int over = applied.size() - Limits.MAX_LOCAL_INTENTS;
      for (Map.Entry<String, Long> e : oldestFirst.subList(0, oldestFirst.size() - KEPT_INTENTS)) {
        // Past the hard cap the oldest go even unconfirmed, so the record's bookkeeping stays bounded.
        if (over-- > 0 || completedQuietly(e.getKey(), now)) {
          applied.remove(e.getKey());
        }
      }
    }
    return new AppliedIntents(applied, stored.appliedIntents().withFromPeers(java.util.Map.of(), horizon).fromPeers());
  }

  private boolean completedQuietly(String key, long now) {
    try {
      return dedupe.isCompleted(key, now);
    } catch (SynclineException e) {
      return false; // keep it; it is checked again on a later write
    }
  }

  private void reportConflicts(RecordKey key, RecordState before, RecordState after) {
    if (!after.mayConflict()) {
      return;
    }
    List<Conflict> found = Conflict.appearing(before.view(key), after.view(key), config.replicaId());
    for (Conflict conflict : found) {
      metrics.conflict();
      try {
        conflicts.accept(conflict);
      } catch (RuntimeException e) {
        log.warn("conflict sink failed for {} field {}", key, conflict.field(), e);
      }
      try {
        List<Op> resolution = conflictHandler.resolve(conflict);
        if (!resolution.isEmpty()) {
          write(key, resolution, null, null);
        }
      } catch (RuntimeException e) {
        // The triggering write is durable; the conflict stays visible in the view.
        log.warn("conflict handler failed for {} field {}", key, conflict.field(), e);
      }
    }
  }

  /** Calls each listener once; a listener that throws is logged and counted, and the rest still run. */
  private void notifyListeners(RecordKey key, RecordState before, RecordState after, String origin, Causality causality) {
    if (listeners.isEmpty()) {
      return;
    }
    RecordChange change = RecordChange.between(before.view(key), after.view(key), origin, causality);
    for (ChangeListener listener : listeners) {
      try {
        listener.onChange(change);
      } catch (RuntimeException | LinkageError e) {
        // A LinkageError too: an extension jar missing a class must not undo the change's bookkeeping.
        metrics.listenerFailed();
        log.warn("change listener {} failed for {}; the change stands", listener.getClass().getName(), key, e);
      }
    }
  }

  private void releaseQuietly(String key, String token) {
    try {
      dedupe.release(key, token);
    } catch (RuntimeException e) {
      // The lease will lapse on its own; the redelivery then proceeds.
      log.warn("could not release dedupe lease; it will expire", e);
    }
  }
}
