package dev.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.contract.DyingDedupeStore;
import dev.syncline.core.contract.Samples;
import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.crdt.RecordView;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.ViewCodec;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.memory.InMemoryRecordStore;
import dev.syncline.core.port.DedupeStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SyncEngineTest {

  private static final String AWS = "aws-us-east-1";
  private static final String AZURE = "azure-eastus";
  private static final String GCP = "gcp-us-east4";

  private final AtomicLong time = new AtomicLong(1_764_158_400_000L);

  private static WriteIntent intent(String id, String subject, String ops) {
    return IntentParser.parseStructured(Samples.intentJson("/apps/test", id, subject, ops));
  }

  private static String view(TestReplica r, String entity, String id) {
    RecordView v = r.engine.view(new RecordKey(entity, id)).orElseThrow();
    return new String(ViewCodec.encode(v), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void applyIntent_keepsBothFieldsEverywhere_whenEmailAndPhoneAreSetConcurrentlyOnTwoClouds() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    // GIVEN the email is set on AWS while the phone is set on GCP, before either forwards
    mesh.get(AWS).engine.applyIntent(intent("i-1", "user/42", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"ada@example.com\"}]"));
    time.addAndGet(3);
    mesh.get(GCP).engine.applyIntent(intent("i-2", "user/42", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"+1-202-555-0143\"}]"));
    // WHEN both drain their outboxes
    mesh.values().forEach(r -> r.drain.drainPending(100));
    // THEN every cloud shows both fields, byte for byte the same
    String aws = view(mesh.get(AWS), "user", "42");
    assertThat(aws).contains("\"email\":\"ada@example.com\"").contains("\"phone\":\"+1-202-555-0143\"").doesNotContain("conflicts");
    assertThat(view(mesh.get(AZURE), "user", "42")).isEqualTo(aws);
    assertThat(view(mesh.get(GCP), "user", "42")).isEqualTo(aws);
    assertThat(mesh.get(AWS).records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void applyIntent_reportsTheConflict_andPicksTheSameWinnerEverywhere_whenOneFieldIsSetConcurrently() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    mesh.get(AWS).engine.applyIntent(intent("i-1", "user/7", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@aws\"}]"));
    mesh.get(AZURE).engine.applyIntent(intent("i-2", "user/7", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"z@azure\"}]"));

    mesh.values().forEach(r -> r.drain.drainPending(100));

    String aws = view(mesh.get(AWS), "user", "7");
    assertThat(aws).contains("\"email\":\"z@azure\"").contains("\"conflicts\":{\"email\":[\"z@azure\",\"a@aws\"]}");
    assertThat(view(mesh.get(AZURE), "user", "7")).isEqualTo(aws);
    assertThat(view(mesh.get(GCP), "user", "7")).isEqualTo(aws);
    assertThat(mesh.get(AWS).conflicts.conflicts()).hasSize(1);
    assertThat(mesh.get(AWS).metrics.conflicts.get()).isEqualTo(1);
  }

  @Test
  void applyIntent_incrementsOnce_whenTheSameIntentIsDeliveredFiveTimesConcurrently() throws Exception {
    TestReplica replica = TestReplica.alone(AWS, time, new InMemoryRecordStore(), new InMemoryDedupeStore());
    WriteIntent once = intent("pay-1", "account/9", "[{\"op\":\"incr\",\"field\":\"balance\",\"by\":100}]");
    ExecutorService pool = Executors.newFixedThreadPool(5);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ApplyOutcome>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        results.add(pool.submit(() -> { start.await(); return replica.engine.applyIntent(once); }));
      }
      start.countDown();
      int applied = 0;
      for (Future<ApplyOutcome> f : results) {
        ApplyOutcome o = f.get(30, TimeUnit.SECONDS);
        applied += o instanceof ApplyOutcome.Applied ? 1 : 0;
        assertThat(o).isInstanceOfAny(ApplyOutcome.Applied.class, ApplyOutcome.Duplicate.class, ApplyOutcome.InProgress.class);
      }
      assertThat(applied).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    // A redelivery after all of them is a duplicate, and the balance is exact.
    assertThat(replica.engine.applyIntent(once)).isInstanceOf(ApplyOutcome.Duplicate.class);
    assertThat(replica.engine.view(new RecordKey("account", "9")).orElseThrow().fields().get("balance"))
        .isEqualTo(JsonValue.ofLong(100));
  }

  @Test
  void applyIntent_incrementsOnce_whenRedeliveredAfterACrashBetweenWriteAndAck() {
    // GIVEN a dedupe store whose "complete" is never reached: the function dies right after the
    // record write, so the dedupe entry stays in progress until its lease lapses
    InMemoryRecordStore records = new InMemoryRecordStore();
    InMemoryDedupeStore real = new InMemoryDedupeStore();
    AtomicBoolean crash = new AtomicBoolean(true);
    DedupeStore crashing = new DyingDedupeStore(real, crash::get, ProcessDied::new);
    TestReplica replica = TestReplica.alone(AWS, time, records, crashing);
    WriteIntent pay = intent("pay-2", "account/9", "[{\"op\":\"incr\",\"field\":\"balance\",\"by\":5}]");
    assertThatThrownBy(() -> replica.engine.applyIntent(pay)).isInstanceOf(ProcessDied.class);
    crash.set(false);

    // WHEN the bus redelivers while the lease is live, then after it lapses
    ApplyOutcome early = replica.engine.applyIntent(pay);
    time.addAndGet(replica.engine.config().lease().toMillis());
    ApplyOutcome late = replica.engine.applyIntent(pay);
    ApplyOutcome again = replica.engine.applyIntent(pay);

    // THEN the first redelivery is told to retry, the second finds the intent in the record
    assertThat(early).isInstanceOf(ApplyOutcome.InProgress.class);
    assertThat(late).isInstanceOf(ApplyOutcome.Duplicate.class);
    assertThat(again).isInstanceOf(ApplyOutcome.Duplicate.class);
    assertThat(replica.engine.view(new RecordKey("account", "9")).orElseThrow().fields().get("balance"))
        .isEqualTo(JsonValue.ofLong(5));
  }

  @Test
  void applyIntent_rejectsSchemaViolations_writesNothing_andRejectsAgainOnRedelivery() {
    InMemoryRecordStore records = new InMemoryRecordStore();
    TestReplica base = TestReplica.alone(AWS, time, records, new InMemoryDedupeStore());
    SyncEngine strict =
        new SyncEngine(
            base.engine.config().withSchemas(dev.syncline.core.crdt.Schemas.of(dev.syncline.core.crdt.EntitySchema.of("user").register("email"))),
            records, new InMemoryDedupeStore(), new dev.syncline.core.clock.HybridLogicalClock(time::get, 300_000),
            dev.syncline.core.port.Metrics.NONE, dev.syncline.core.port.ConflictSink.NONE,
            dev.syncline.core.crdt.ConflictHandler.KEEP_SIBLINGS);
    WriteIntent bad = intent("bad-1", "user/1", "[{\"op\":\"incr\",\"field\":\"email\",\"by\":1}]");

    ApplyOutcome first = strict.applyIntent(bad);
    ApplyOutcome second = strict.applyIntent(bad);

    assertThat(first).isInstanceOf(ApplyOutcome.Rejected.class);
    assertThat(((ApplyOutcome.Rejected) first).reason()).contains("email");
    assertThat(second).isInstanceOf(ApplyOutcome.Rejected.class);
    assertThat(records.keys()).isEmpty();
  }

  @Test
  void applyChange_isIdempotent_andNeverForwardsAgain() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    mesh.get(AWS).engine.applyIntent(intent("i-1", "user/1", "[{\"op\":\"add\",\"field\":\"tags\",\"value\":\"x\"}]"));

    mesh.get(AWS).drain.drainPending(10);

    assertThat(mesh.get(GCP).records.withDueOutbox(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(mesh.get(GCP).metrics.changesMerged.get()).isEqualTo(1);
    assertThat(mesh.get(AZURE).metrics.changesMerged.get()).isEqualTo(1);
  }

  @Test
  void conflictHandler_resolvesTheConflict_andTheResolutionReplicates() {
    // GIVEN replicas whose handler picks the alphabetically first value, deterministically
    dev.syncline.core.crdt.ConflictHandler firstValue = conflict -> List.of(new dev.syncline.core.crdt.Op.Set(
        conflict.field(), conflict.values().stream().min(java.util.Comparator.naturalOrder()).orElseThrow()));
    Map<String, TestReplica> mesh = TestReplica.mesh(time, firstValue, AWS, AZURE, GCP);
    mesh.get(AWS).engine.applyIntent(intent("i-1", "user/9", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"b@aws\"}]"));
    mesh.get(GCP).engine.applyIntent(intent("i-2", "user/9", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"a@gcp\"}]"));

    // WHEN the changes cross, each replica sees the conflict and resolves it
    for (int i = 0; i < 3; i++) {
      mesh.values().forEach(r -> r.drain.drainPending(100));
    }

    // THEN every replica shows the chosen value and no conflict remains
    String aws = view(mesh.get(AWS), "user", "9");
    assertThat(aws).contains("\"email\":\"a@gcp\"").doesNotContain("conflicts");
    assertThat(view(mesh.get(AZURE), "user", "9")).isEqualTo(aws);
    assertThat(view(mesh.get(GCP), "user", "9")).isEqualTo(aws);
    // GCP saw the conflict when AWS's write arrived; its resolution reached AWS with its own write,
    // so AWS never had to show one.
    assertThat(mesh.get(GCP).conflicts.conflicts()).isNotEmpty();
  }

  @Test
  void appliedIntents_stayBounded_onABusyRecord_butKeepIntentsWhoseCompletionWasNeverRecorded() {
    InMemoryRecordStore records = new InMemoryRecordStore();
    InMemoryDedupeStore real = new InMemoryDedupeStore();
    AtomicBoolean crash = new AtomicBoolean(true);
    DedupeStore crashingOnce = new DyingDedupeStore(real, () -> crash.getAndSet(false), ProcessDied::new);
    TestReplica replica = TestReplica.alone(AWS, time, records, crashingOnce);
    // GIVEN the first intent's process dies after its record write
    WriteIntent first = intent("first", "user/busy", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]");
    assertThatThrownBy(() -> replica.engine.applyIntent(first)).isInstanceOf(ProcessDied.class);
    // WHEN 1,000 more intents hit the same record, a minute apart
    for (int i = 0; i < 1_000; i++) {
      time.addAndGet(60_000);
      replica.engine.applyIntent(intent("i-" + i, "user/busy", "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]"));
    }
    // THEN the record remembers only the newest intents plus the one never completed...
    var applied = records.load(new RecordKey("user", "busy")).orElseThrow().record().appliedIntents().local();
    assertThat(applied).hasSize(SyncEngine.KEPT_INTENTS + 1).containsKey(first.dedupeKey());
    // ...so its late redelivery is still recognized
    assertThat(replica.engine.applyIntent(first)).isInstanceOf(ApplyOutcome.Duplicate.class);
    assertThat(replica.engine.view(new RecordKey("user", "busy")).orElseThrow().fields().get("n"))
        .isEqualTo(JsonValue.ofLong(1_001));
  }

  @Test
  void applyIntent_isADuplicate_whenRetriedOnAnotherCloudAfterTheOriginsChangeArrived() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    // GIVEN an intent applied on AWS (whose acknowledgement the app never saw) and forwarded
    WriteIntent credit = intent("pay-7", "account/a1", "[{\"op\":\"incr\",\"field\":\"balance\",\"by\":100}]");
    assertThat(mesh.get(AWS).engine.applyIntent(credit)).isInstanceOf(ApplyOutcome.Applied.class);
    mesh.get(AWS).drain.drainPending(100);
    // WHEN the app fails over and publishes the same intent on Azure
    ApplyOutcome retried = mesh.get(AZURE).engine.applyIntent(credit);
    // THEN Azure knows it from AWS's change: a duplicate, and the balance is counted once
    assertThat(retried).isInstanceOf(ApplyOutcome.Duplicate.class);
    mesh.values().forEach(r -> r.drain.drainPending(100));
    for (TestReplica r : mesh.values()) {
      assertThat(view(r, "account", "a1")).contains("\"balance\":100");
    }
  }

  @Test
  void applyIntent_rejectsAWriteThatWouldTakeTheRecordPastTheLimit_beforeWritingAnything() {
    TestReplica replica = TestReplica.alone(AWS, time, new InMemoryRecordStore(), new InMemoryDedupeStore());
    String big = "x".repeat(Limits.MAX_RECORD_BYTES);
    // GIVEN a record that holds a small value
    replica.engine.applyIntent(intent("small", "doc/1", "[{\"op\":\"set\",\"field\":\"a\",\"value\":\"ok\"}]"));
    // WHEN an intent would take it past the limit
    ApplyOutcome outcome = replica.engine.applyIntent(intent("big", "doc/1", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + big + "\"}]"));
    // THEN it is rejected as too large, nothing changes, and a redelivery is rejected again
    assertThat(outcome).isInstanceOfSatisfying(ApplyOutcome.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(SynclineException.Kind.TOO_LARGE);
      assertThat(r.reason()).contains(Integer.toString(Limits.MAX_RECORD_BYTES));
    });
    assertThat(view(replica, "doc", "1")).contains("\"a\":\"ok\"").doesNotContain("\"b\"");
    assertThat(replica.engine.applyIntent(intent("big", "doc/1", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + big + "\"}]")))
        .isInstanceOf(ApplyOutcome.Rejected.class);
    // ... while a value just under the limit fits
    String fits = "y".repeat(Limits.MAX_RECORD_BYTES - 400);
    assertThat(replica.engine.applyIntent(intent("fits", "doc/2", "[{\"op\":\"set\",\"field\":\"b\",\"value\":\"" + fits + "\"}]")))
        .isInstanceOf(ApplyOutcome.Applied.class);
  }

  @Test
  void aRecordMergedPastTheLimit_takesOnlyRemovals_untilItIsBackUnder() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, GCP);
    String big = "z".repeat(100 * 1024);
    // GIVEN two replicas that each wrote 100 KiB to the record, concurrently, and then merged
    mesh.get(AWS).engine.applyIntent(intent("a", "doc/m", "[{\"op\":\"set\",\"field\":\"f1\",\"value\":\"" + big + "\"}]"));
    mesh.get(GCP).engine.applyIntent(intent("g", "doc/m", "[{\"op\":\"set\",\"field\":\"f2\",\"value\":\"" + big + "\"}]"));
    mesh.values().forEach(r -> r.drain.drainPending(10));
    TestReplica aws = mesh.get(AWS);
    // WHEN AWS adds even a tiny value THEN it is refused; a removal is taken; then adding fits again
    assertThat(aws.engine.applyIntent(intent("t1", "doc/m", "[{\"op\":\"set\",\"field\":\"f3\",\"value\":1}]")))
        .isInstanceOfSatisfying(ApplyOutcome.Rejected.class, r -> assertThat(r.reason()).contains("only unset, remove and delete"));
    assertThat(aws.engine.applyIntent(intent("u1", "doc/m", "[{\"op\":\"unset\",\"field\":\"f2\"}]")))
        .isInstanceOf(ApplyOutcome.Applied.class);
    assertThat(aws.engine.applyIntent(intent("t2", "doc/m", "[{\"op\":\"set\",\"field\":\"f3\",\"value\":1}]")))
        .isInstanceOf(ApplyOutcome.Applied.class);
  }

  @Test
  void threeReplicasReplacingOneFieldConcurrently_stayWithinThreeTimesTheLimit_roundAfterRound() {
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    dev.syncline.core.RecordKey key = new dev.syncline.core.RecordKey("doc", "hot");
    for (int round = 0; round < 4; round++) {
      // GIVEN every replica replaces field x with 116 KiB of its own, before any of them hears of the others
      for (TestReplica r : mesh.values()) {
        String value = (r.id.substring(0, 3) + round).repeat(29 * 1024);
        assertThat(r.engine.applyIntent(intent(r.id + "-" + round, "doc/hot",
            "[{\"op\":\"set\",\"field\":\"x\",\"value\":\"" + value + "\"}]")))
            .as("round %d on %s", round, r.id)
            .isInstanceOf(ApplyOutcome.Applied.class);
        time.addAndGet(1);
      }
      // WHEN they exchange their writes
      mesh.values().forEach(r -> r.drain.drainPending(10));
      // THEN all hold the same three siblings, and the merged record is within three times the limit
      List<byte[]> stored = mesh.values().stream()
          .map(r -> dev.syncline.core.event.DeltaCodec.encode(r.records.load(key).orElseThrow().record().state())).toList();
      assertThat(stored.get(0).length).as("round %d, bytes", round)
          .isGreaterThan(Limits.MAX_RECORD_BYTES).isLessThanOrEqualTo(3 * Limits.MAX_RECORD_BYTES);
      assertThat(stored).allSatisfy(b -> assertThat(b).isEqualTo(stored.get(0)));
      assertThat(view(mesh.get(AWS), "doc", "hot")).contains("\"conflicts\"");
    }
  }

  @Test
  void threeLargestConcurrentWrites_plusTheMostBookkeeping_fitTheSmallestStore_soEveryPeerTakesTheMerge() {
    // GIVEN three replicas whose record remembers 128 intents of each kind (local, from peers)
    Map<String, TestReplica> mesh = TestReplica.mesh(time, AWS, AZURE, GCP);
    dev.syncline.core.RecordKey key = new dev.syncline.core.RecordKey("doc", "big");
    String incr = "[{\"op\":\"incr\",\"field\":\"n\",\"by\":1}]";
    for (int i = 0; i < 130; i++) {
      for (TestReplica r : mesh.values()) {
        r.engine.applyIntent(intent(r.id + "-n" + i, "doc/big", incr));
        time.incrementAndGet();
      }
    }
    mesh.values().forEach(r -> r.drain.drainPending(10));
    // ... and AWS owes its peers 130 more intents (so each outbox entry carries 128 keys)
    for (int i = 0; i < 130; i++) {
      mesh.get(AWS).engine.applyIntent(intent("aws-m" + i, "doc/big", incr));
      time.incrementAndGet();
    }
    // WHEN each replica, concurrently, writes the largest value its limit lets it
    for (TestReplica r : mesh.values()) {
      int length = Limits.MAX_RECORD_BYTES;
      while (!(r.engine.applyIntent(intent(r.id + "-big" + length, "doc/big",
          "[{\"op\":\"set\",\"field\":\"f\",\"value\":\"" + r.id.substring(1, 2).repeat(length) + "\"}]")) instanceof ApplyOutcome.Applied)) {
        length -= 200;
      }
      time.incrementAndGet();
    }
    // ... and the others' writes reach AWS, whose store (sized as DynamoDB) holds at most MAX_STORED_BYTES
    mesh.get(AZURE).drain.drainPending(10);
    mesh.get(GCP).drain.drainPending(10);
    // THEN AWS took both merges: nothing is left owing, and AWS holds all three siblings
    for (String peer : List.of(AZURE, GCP)) {
      assertThat(mesh.get(peer).records.load(key).orElseThrow().record().outbox()).as("%s still owes", peer).isEmpty();
    }
    assertThat(mesh.get(AWS).records.storedBytes(key)).isLessThanOrEqualTo(Limits.MAX_STORED_BYTES);
    mesh.get(AWS).drain.drainPending(10);
    List<String> views = mesh.values().stream().map(r -> view(r, "doc", "big")).toList();
    assertThat(views).allSatisfy(v -> assertThat(v).isEqualTo(views.get(0)));
    assertThat(views.get(0)).contains("\"conflicts\"");
  }

  /** Stands for the process dying: an Error, so no cleanup code in the engine runs. */
  static final class ProcessDied extends Error {}
}
