package dev.syncline.core.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.RecordKey;
import dev.syncline.core.ReplicaConfig;
import dev.syncline.core.SyncEngine;
import dev.syncline.core.event.DeltaCodec;
import dev.syncline.core.clock.HybridLogicalClock;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.ConflictHandler;
import dev.syncline.core.crdt.RecordState;
import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.memory.InMemoryDeadLetterSink;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryMetrics;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.ConflictSink;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.Delivery;
import dev.syncline.core.port.OutboxEntry;
import dev.syncline.core.port.Peer;
import dev.syncline.core.port.PeerClient;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutboxDrainTest {

  private static final String AWS = "aws-us-east-1";
  private static final Peer GCP = new Peer("gcp-us-east4", URI.create("https://gcp.invalid"));
  private static final RecordKey KEY = new RecordKey("user", "42");

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);
  private final InMemoryRecordStore records = new InMemoryRecordStore();
  private final InMemoryDeadLetterSink deadLetters = new InMemoryDeadLetterSink();
  private final InMemoryMetrics metrics = new InMemoryMetrics();
  private final Deque<Delivery> answers = new ArrayDeque<>();
  private final List<CloudEvent> sent = new ArrayList<>();
  private final PeerClient scripted = (peer, change) -> {
    sent.add(change);
    return answers.isEmpty() ? new Delivery.Delivered() : answers.poll();
  };
  private final SyncEngine engine =
      new SyncEngine(ReplicaConfig.of(AWS, List.of(GCP)), records, new InMemoryDedupeStore(),
          new HybridLogicalClock(time::get, 300_000), metrics, ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
  private final OutboxDrain drain =
      new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, scripted, deadLetters, time::get, metrics,
          new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), Duration.ofDays(7), new SplittableRandom(7));

  private void write(String id, String ops) {
    engine.applyIntent(IntentParser.parseStructured(Samples.intentJson("/apps/t", id, "user/42", ops)));
  }

  private OutboxEntry pending() {
    return records.load(KEY).orElseThrow().record().outbox().get(GCP.replica());
  }

  @Test
  void drain_sendsTheChangeAndClearsTheEntry_onSuccess() {
    write("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");

    OutboxDrain.Report report = drain.drainPending(10);

    assertThat(report).isEqualTo(new OutboxDrain.Report(1, 0, 0, 0, 0));
    assertThat(sent).hasSize(1);
    assertThat(ChangeEvents.read(sent.get(0)).key()).isEqualTo(KEY);
    assertThat(ChangeEvents.schemaOf(sent.get(0))).contains(dev.syncline.core.crdt.Schemas.inferred().fingerprint());
    assertThat(records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void drain_backsOffWithJitter_andDoesNotResendBeforeTheNextAttempt() {
    write("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    answers.add(new Delivery.Retry("503"));

    drain.drainPending(10);
    OutboxEntry failed = pending();
    drain.drainPending(10);

    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.nextAttemptMillis()).isBetween(time.get(), time.get() + 1_000);
    assertThat(sent).hasSizeLessThanOrEqualTo(2);
    time.set(failed.nextAttemptMillis());
    drain.drainPending(10);
    assertThat(records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void backoff_growsExponentially_upToTheCap() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    SplittableRandom random = new SplittableRandom(3);
    long maxAt3 = 0;
    long maxAt20 = 0;
    for (int i = 0; i < 2_000; i++) {
      maxAt3 = Math.max(maxAt3, backoff.delayMillis(3, random));
      maxAt20 = Math.max(maxAt20, backoff.delayMillis(20, random));
    }
    assertThat(maxAt3).isBetween(3_000L, 3_999L);
    assertThat(maxAt20).isBetween(55_000L, 59_999L);
  }

  @Test
  void write_joinsIntoThePendingEntry_andTheDrainSendsTheWholeJoin() {
    write("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    write("i-2", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"555\"}]");

    drain.drainPending(10);

    assertThat(sent).hasSize(1);
    assertThat(ChangeEvents.read(sent.get(0)).delta().view(KEY).fields()).containsOnlyKeys("email", "phone");
  }

  @Test
  void drain_deadLettersEntriesOlderThanMaxAge() {
    write("i-1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    time.addAndGet(Duration.ofDays(7).toMillis() + 1);

    OutboxDrain.Report report = drain.drainPending(10);

    assertThat(report.deadLettered()).isEqualTo(1);
    assertThat(sent).isEmpty();
    assertThat(deadLetters.letters()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DeadLetter.Kind.CHANGE);
      assertThat(d.subject()).isEqualTo("user/42");
      assertThat(d.reason()).contains("longer than");
      assertThat(ChangeEvents.read(IntentParser.readStructured(d.payload())).key()).isEqualTo(KEY);
    });
    assertThat(records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(metrics.deadLettered.get()).isEqualTo(1);
  }

  @Test
  void drain_deadLettersChangesThePeerRefuses() {
    write("i-1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    answers.add(new Delivery.Refused(400, "schema"));

    drain.drainPending(10);

    assertThat(deadLetters.letters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("400"));
    assertThat(records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void drain_restartsTheAgeOfAnEntryThatGrewWhileSent_soABusyRecordIsNeverDeadLettered() {
    // GIVEN a record written to during every send, for eight days of hourly drains
    write("i-0", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    AtomicLong writes = new AtomicLong();
    PeerClient busy = (peer, change) -> {
      write("w-" + writes.incrementAndGet(), "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
      return new Delivery.Delivered();
    };
    OutboxDrain drainer = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, busy, deadLetters, time::get, metrics,
        Backoff.standard(), Duration.ofDays(7), new SplittableRandom(1));
    for (int hour = 0; hour < 8 * 24; hour++) {
      drainer.drainPending(10);
      time.addAndGet(Duration.ofHours(1).toMillis());
    }
    // THEN nothing was dead-lettered and what is left is young and due
    assertThat(deadLetters.letters()).isEmpty();
    assertThat(pending().attempts()).isZero();
    assertThat(time.get() - pending().firstPendingMillis()).isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
  }

  @Test
  void drainPending_reachesDueRecords_whileOthersWaitOutABackoff() {
    // GIVEN 20 records whose first deliveries all fail
    for (int i = 0; i < 20; i++) {
      engine.applyIntent(IntentParser.parseStructured(Samples.intentJson("/apps/t", "i-" + i, "user/r" + i,
          "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]")));
    }
    for (int i = 0; i < 20; i++) {
      answers.add(new Delivery.Retry("503"));
    }
    // WHEN passes of five records run without time passing
    for (int pass = 0; pass < 4; pass++) {
      drain.drainPending(5);
    }
    // THEN every record was tried once, none twice, and the next pass finds none due
    assertThat(sent).hasSize(20);
    assertThat(records.withDueOutbox(time.get(), 100)).isEmpty();
    OutboxDrain.Report idle = drain.drainPending(100);
    assertThat(idle.retrying()).isZero();
    assertThat(idle.pending()).as("all twenty still owe the peer").isEqualTo(20);
    assertThat(metrics.outboxDepth.get()).isEqualTo(20);
  }

  @Test
  void drainPending_reportsTheOutboxAge_growingWhileThePeerIsDown_andZeroOnceDelivered() {
    // GIVEN a change written while the peer is down for two attempts
    write("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    answers.add(new Delivery.Retry("503"));
    answers.add(new Delivery.Retry("503"));

    // WHEN passes run 10 s and then 130 s after the write, past each backoff (at most 1 s, then 2 s)
    time.addAndGet(10_000);
    OutboxDrain.Report first = drain.drainPending(10);
    long afterFirst = metrics.outboxAge.get();
    time.addAndGet(120_000);
    OutboxDrain.Report second = drain.drainPending(10);
    long afterSecond = metrics.outboxAge.get();
    // and the peer is back for the third
    time.addAndGet(60_000);
    OutboxDrain.Report delivered = drain.drainPending(10);

    // THEN the age grows with the clock while the change is owed, and is 0 once it is delivered
    assertThat(first.retrying()).isEqualTo(1);
    assertThat(first.outboxAgeMillis()).isEqualTo(10_000);
    assertThat(afterFirst).isEqualTo(10_000);
    assertThat(second.retrying()).isEqualTo(1);
    assertThat(second.outboxAgeMillis()).isEqualTo(130_000);
    assertThat(afterSecond).isEqualTo(130_000);
    assertThat(delivered).isEqualTo(new OutboxDrain.Report(1, 0, 0, 0, 0));
    assertThat(metrics.outboxAge.get()).isZero();
    assertThat(metrics.outboxDepth.get()).isZero();
  }

  @Test
  void drainPending_reportsTheOldestOwedChange_overTheRecordsItVisits() {
    // GIVEN two records whose changes wait 50 s and 20 s for a peer that stays down
    write("i-1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    time.addAndGet(30_000);
    engine.applyIntent(IntentParser.parseStructured(Samples.intentJson("/apps/t", "i-2", "user/43",
        "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]")));
    time.addAndGet(20_000);
    answers.add(new Delivery.Retry("503"));
    answers.add(new Delivery.Retry("503"));

    OutboxDrain.Report report = drain.drainPending(10);

    // THEN the older one sets the age
    assertThat(report.retrying()).isEqualTo(2);
    assertThat(report.pending()).isEqualTo(2);
    assertThat(report.outboxAgeMillis()).isEqualTo(50_000);
    assertThat(metrics.outboxAge.get()).isEqualTo(50_000);
  }

  @Test
  void drainPending_leavesOutRecordsWaitingOutABackoff_fromTheAge() {
    // GIVEN a change that failed once and waits out its backoff
    write("i-1", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    answers.add(new Delivery.Retry("503"));
    time.addAndGet(10_000);
    drain.drainPending(10);
    assertThat(pending().nextAttemptMillis()).as("the seeded jitter puts the retry in the future").isGreaterThan(time.get());

    // WHEN a pass runs before it is due again
    OutboxDrain.Report report = drain.drainPending(10);

    // THEN the record still owes the peer, but the pass did not visit it, so it reports no age
    assertThat(report.pending()).isEqualTo(1);
    assertThat(report.outboxAgeMillis()).isZero();
    assertThat(metrics.outboxAge.get()).isZero();
  }

  @Test
  void drain_keepsAnEntryThatGrewWhileItWasBeingSent() {
    write("i-1", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]");
    PeerClient racing = (peer, change) -> {
      write("i-2", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"555\"}]");
      return new Delivery.Delivered();
    };
    OutboxDrain racy = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, racing, deadLetters, time::get, metrics,
        Backoff.standard(), Duration.ofDays(7), new SplittableRandom(1));

    racy.drain(KEY);

    // THEN what was delivered (the email) is subtracted; what joined in meanwhile (the phone) is still owed
    assertThat(pending()).isNotNull();
    RecordState state = records.load(KEY).orElseThrow().record().state();
    assertThat(state.restrict(pending().pending()).view(KEY).fields()).containsOnlyKeys("phone");
  }

  @Test
  void aHotRecordsEntry_staysSmall_whenAWriteLandsDuringEverySend() {
    // GIVEN a record whose entry was delivered and cleared once (so the next starts past counter 1)
    write("w-0", "[{\"op\":\"set\",\"field\":\"last\",\"value\":0}]");
    drain.drain(KEY);
    assertThat(pending()).isNull();
    // ... a healthy peer, and a write to the record during every send of it
    int[] n = {0};
    PeerClient racing = (peer, change) -> {
      write("race-" + n[0]++, "[{\"op\":\"incr\",\"field\":\"hits\",\"by\":1}]");
      return new Delivery.Delivered();
    };
    OutboxDrain racy = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, racing, deadLetters, time::get, metrics,
        Backoff.standard(), Duration.ofDays(7), new SplittableRandom(1));
    int largestEntry = 0;
    // WHEN 12,000 writes go through it, each followed by a drain
    for (int i = 1; i <= 6_000; i++) {
      time.addAndGet(5);
      write("w-" + i, "[{\"op\":\"incr\",\"field\":\"hits\",\"by\":1}]");
      racy.drain(KEY);
      if (pending() != null) {
        largestEntry = Math.max(largestEntry, dev.syncline.core.event.StoredRecordCodec.encodeOutboxEntry(pending()).length);
      }
    }
    // THEN the entry never grew with the writes, and nothing was dead-lettered
    assertThat(largestEntry).as("largest outbox entry, bytes").isLessThan(4_096);
    assertThat(deadLetters.letters()).isEmpty();
  }

  @Test
  void aChangeLargerThanTheIngressTakes_isSentInPartsThatEachFit_andRebuildTheRecord() {
    // GIVEN a record that concurrent writers merged to 360 KiB (three 120 KiB values, one per
    // replica), all of it owed to gcp, whose real ingress takes 256 KiB bodies
    RecordState merged = mergedOfThree(120 * 1024);
    // WHEN it is drained
    HttpGcp gcp = new HttpGcp();
    OutboxDrain.Report report = gcp.drain(new RecordKey("doc", "big"), merged, null);
    // THEN it went in several requests, each within the ingress limit, all taken; gcp holds the record
    assertThat(gcp.sizes).hasSizeGreaterThan(1);
    gcp.assertHolds(report, merged);
  }

  @Test
  void aChangeThatFitsOnlyWithoutItsAttributes_isMeasuredAsSent_andSplit() {
    // GIVEN a record whose owed delta is 2.5 KiB under the ingress limit, owed with a 3 KiB trace
    // context (the attributes around the data are then larger than the delta's headroom)
    int size = 80 * 1024;
    int encoded = DeltaCodec.encode(mergedOfThree(size), java.util.Collections.emptySortedMap()).length;
    size += (dev.syncline.core.Limits.MAX_CHANGE_BYTES - 2_560 - encoded) / 3;
    RecordState merged = mergedOfThree(size);
    // WHEN it is drained
    HttpGcp gcp = new HttpGcp();
    OutboxDrain.Report report = gcp.drain(new RecordKey("doc", "near"), merged, "t".repeat(3 * 1024));
    // THEN the body as sent was measured, so it went in parts that each fit, all taken
    assertThat(DeltaCodec.encode(merged, java.util.Collections.emptySortedMap()).length)
        .isBetween(dev.syncline.core.Limits.MAX_CHANGE_BYTES - 2_600, dev.syncline.core.Limits.MAX_CHANGE_BYTES - 2_500);
    gcp.assertHolds(report, merged);
  }

  /** Three concurrent writes of a string of {@code size} characters, one per replica, merged. */
  private RecordState mergedOfThree(int size) {
    RecordState merged = RecordState.EMPTY;
    int i = 0;
    for (String replica : List.of(AWS, "azure-eastus", "gcp-us-east4")) {
      merged = merged.join(RecordState.EMPTY.apply("doc", List.of(new dev.syncline.core.crdt.Op.Set("f" + i++,
          dev.syncline.core.crdt.JsonValue.ofString("x".repeat(size)))), replica,
          new dev.syncline.core.clock.Hlc(time.get(), 0), dev.syncline.core.crdt.Schemas.inferred()).state());
    }
    return merged;
  }

  /** A gcp replica behind its real ingress (256 KiB bodies, signatures), reached over the HTTP client's code. */
  private final class HttpGcp {
    final InMemoryRecordStore records = new InMemoryRecordStore();
    final List<Integer> sizes = new ArrayList<>();
    RecordKey key;

    OutboxDrain.Report drain(RecordKey doc, RecordState merged, String traceparent) {
      key = doc;
      OutboxEntry owed = OutboxEntry.first(GCP.replica(), merged.context(), null, doc.subject() + "@1", time.get(), traceparent);
      OutboxDrainTest.this.records.write(doc, new dev.syncline.core.port.StoredRecord(merged,
          new java.util.TreeMap<>(java.util.Map.of(GCP.replica(), owed)), dev.syncline.core.port.AppliedIntents.EMPTY), 0);
      SyncEngine gcp = new SyncEngine(ReplicaConfig.of(GCP.replica(), List.of()), records, new InMemoryDedupeStore(),
          new HybridLogicalClock(time::get, 300_000), new InMemoryMetrics(), ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
      String gcpSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
      dev.syncline.core.http.IngressHandler ingress = new dev.syncline.core.http.IngressHandler(gcp,
          new dev.syncline.core.http.WebhookVerifier(List.of(gcpSecret), time::get));
      PeerClient http = dev.syncline.core.http.HttpPeerClient.builder(java.util.Map.of(GCP.replica(), gcpSecret), time::get)
          .peers(List.of(GCP))
          .transport((target, request, timeout) -> {
            sizes.add(request.bodyLength());
            return ingress.handle(request);
          })
          .build();
      OutboxDrain toGcp = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), OutboxDrainTest.this.records, http, deadLetters, time::get, metrics,
          Backoff.standard(), Duration.ofDays(7), new SplittableRandom(1));
      return toGcp.drain(doc);
    }

    void assertHolds(OutboxDrain.Report report, RecordState merged) {
      assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(dev.syncline.core.Limits.MAX_CHANGE_BYTES));
      assertThat(report.delivered()).isEqualTo(1);
      assertThat(deadLetters.letters()).isEmpty();
      assertThat(records.load(key).orElseThrow().record().state()).isEqualTo(merged);
      assertThat(OutboxDrainTest.this.records.load(key).orElseThrow().record().outbox()).isEmpty();
    }
  }

  @Test
  void drain_withAnExecutor_sendsToEveryPeerAtOnce() {
    Peer azure = new Peer("azure-eastus", URI.create("https://azure.invalid"));
    java.util.concurrent.CountDownLatch bothInFlight = new java.util.concurrent.CountDownLatch(2);
    PeerClient waitsForTheOther = (peer, change) -> {
      bothInFlight.countDown();
      try {
        // an explicit signal: only a parallel drain has both sends in flight at once
        return bothInFlight.await(10, java.util.concurrent.TimeUnit.SECONDS)
            ? new Delivery.Delivered() : new Delivery.Retry("the other send never started");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Delivery.Retry("interrupted");
      }
    };
    SyncEngine twoPeers = new SyncEngine(ReplicaConfig.of(AWS, List.of(GCP, azure)), records, new InMemoryDedupeStore(),
        new HybridLogicalClock(time::get, 300_000), metrics, ConflictSink.NONE, ConflictHandler.KEEP_SIBLINGS);
    twoPeers.applyIntent(IntentParser.parseStructured(
        Samples.intentJson("/apps/t", "i-1", "user/42", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]")));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      OutboxDrain parallel = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP, azure)), records, waitsForTheOther, deadLetters, time::get,
          metrics, Backoff.standard(), Duration.ofDays(7), new SplittableRandom(7), pool);

      assertThat(parallel.drain(KEY)).isEqualTo(new OutboxDrain.Report(2, 0, 0, 0, 0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void drainPending_withAnExecutor_drainsRecordsAtOnce_butNoMoreThanItsLimit() {
    // GIVEN twenty records that each owe the peer a change, and a peer that holds every send
    // until RECORDS_AT_ONCE of them are in flight together
    for (int i = 0; i < 20; i++) {
      engine.applyIntent(IntentParser.parseStructured(Samples.intentJson("/apps/t", "i-" + i, "user/" + i,
          "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]")));
    }
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CyclicBarrier full = new java.util.concurrent.CyclicBarrier(OutboxDrain.RECORDS_AT_ONCE);
    PeerClient holds = (peer, change) -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        // an explicit signal: only a drain with RECORDS_AT_ONCE records in flight passes it
        full.await(10, java.util.concurrent.TimeUnit.SECONDS);
        return new Delivery.Delivered();
      } catch (Exception e) {
        return new Delivery.Retry("never had " + OutboxDrain.RECORDS_AT_ONCE + " records in flight: " + e);
      } finally {
        inFlight.decrementAndGet();
      }
    };
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      OutboxDrain parallel = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, holds, deadLetters, time::get,
          metrics, Backoff.standard(), Duration.ofDays(7), new SplittableRandom(7), pool);

      // WHEN one pass drains sixteen of them (its limit): two full rounds
      OutboxDrain.Report report = parallel.drainPending(16);

      // THEN all sixteen were delivered, RECORDS_AT_ONCE at a time and never more
      assertThat(report.delivered()).isEqualTo(16);
      assertThat(most.get()).isEqualTo(OutboxDrain.RECORDS_AT_ONCE);
      assertThat(records.withDueOutbox(Long.MAX_VALUE, 100)).hasSize(4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void drainPending_withAnExecutor_waitsForEveryRecordItStarted_beforeItRethrowsOneThatFailedUnexpectedly() {
    // GIVEN eight records owing the peer, which refuses them all, and a dead-letter sink that
    // fails (not a Syncline failure: a bug) for one of them, while the other seven are still
    // in flight
    for (int i = 0; i < 8; i++) {
      engine.applyIntent(IntentParser.parseStructured(Samples.intentJson("/apps/t", "i-" + i, "user/" + i,
          "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@b\"}]")));
    }
    java.util.concurrent.CountDownLatch allSending = new java.util.concurrent.CountDownLatch(8);
    PeerClient refuses = (peer, change) -> {
      allSending.countDown();
      try {
        allSending.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Delivery.Refused(400, "no");
    };
    java.util.concurrent.atomic.AtomicInteger lettered = new java.util.concurrent.atomic.AtomicInteger();
    // the first record the pass takes: a pass that returned at its first failure would return at once
    String failing = records.withDueOutbox(Long.MAX_VALUE, 8).get(0).subject();
    dev.syncline.core.port.DeadLetterSink failsOnce = new dev.syncline.core.port.DeadLetterSink() {
      @Override
      public void accept(dev.syncline.core.port.DeadLetter letter) {
        if (letter.subject().equals(failing)) {
          throw new IllegalStateException("the sink is broken");
        }
        try {
          Thread.sleep(200); // the others end well after the failure
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        lettered.incrementAndGet();
      }

      @Override
      public List<dev.syncline.core.port.StoredDeadLetter> list(int limit) {
        return List.of();
      }

      @Override
      public java.util.Optional<dev.syncline.core.port.StoredDeadLetter> get(String id) {
        return java.util.Optional.empty();
      }
    };
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      OutboxDrain drainer = new OutboxDrain(ReplicaConfig.of(AWS, List.of(GCP)), records, refuses, failsOnce, time::get,
          metrics, Backoff.standard(), Duration.ofDays(7), new SplittableRandom(7), pool);

      // WHEN a pass drains them
      // THEN the failure comes out as it was thrown, and only after the seven others had ended
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> drainer.drainPending(8))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the sink is broken");
      assertThat(lettered.get()).as("records dead-lettered before the pass returned").isEqualTo(7);
    } finally {
      pool.shutdownNow();
    }
  }
}
