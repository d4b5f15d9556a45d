package dev.syncline.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.BucketPage;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
import dev.syncline.core.repair.Digest;
import dev.syncline.core.repair.RecordDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RecordStore} must show. Each adapter's test extends this class and
 * returns a fresh, empty store from {@link #newStore()}, backed by its emulator.
 */
public abstract class RecordStoreContract {

  /** A store with no records in it (a fresh table, or a table with a unique key prefix). */
  protected abstract RecordStore newStore();

  private final RecordKey key = new RecordKey("user", "contract-1");

  @Test
  void load_isEmpty_whenRecordWasNeverWritten() {
    assertThat(newStore().load(key)).isEmpty();
  }

  @Test
  void write_createsVersionOne_andLoadReturnsTheSameRecord() {
    RecordStore store = newStore();
    StoredRecord record = Samples.storedRecord("aws-us-east-1", "a@b", List.of("azure-eastus", "gcp-us-east4"));

    long version = store.write(key, record, 0);

    assertThat(version).isEqualTo(1);
    Versioned loaded = store.load(key).orElseThrow();
    assertThat(loaded.version()).isEqualTo(1);
    assertThat(loaded.record()).isEqualTo(record);
  }

  @Test
  void write_incrementsVersion_whenExpectedVersionMatches() {
    RecordStore store = newStore();
    store.write(key, Samples.storedRecord("aws-us-east-1", "a@b", List.of()), 0);
    StoredRecord second = Samples.storedRecord("aws-us-east-1", "c@d", List.of("gcp-us-east4"));

    long version = store.write(key, second, 1);

    assertThat(version).isEqualTo(2);
    assertThat(store.load(key).orElseThrow().record()).isEqualTo(second);
  }

  @Test
  void write_throwsConcurrentModification_andChangesNothing_whenRecordAlreadyExists() {
    RecordStore store = newStore();
    StoredRecord first = Samples.storedRecord("aws-us-east-1", "a@b", List.of());
    store.write(key, first, 0);

    assertThatThrownBy(() -> store.write(key, Samples.storedRecord("aws-us-east-1", "x@y", List.of()), 0))
        .isInstanceOfSatisfying(
            SynclineException.class,
            e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION));
    assertThat(store.load(key).orElseThrow()).isEqualTo(new Versioned(first, 1));
  }

  @Test
  void write_throwsConcurrentModification_whenVersionIsStale() {
    RecordStore store = newStore();
    store.write(key, Samples.storedRecord("aws-us-east-1", "a@b", List.of()), 0);
    store.write(key, Samples.storedRecord("aws-us-east-1", "b@c", List.of()), 1);

    assertThatThrownBy(() -> store.write(key, Samples.storedRecord("aws-us-east-1", "x@y", List.of()), 1))
        .isInstanceOfSatisfying(
            SynclineException.class,
            e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION));
    assertThat(store.load(key).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void write_throwsConcurrentModification_whenRecordDoesNotExistButVersionIsExpected() {
    RecordStore store = newStore();

    assertThatThrownBy(() -> store.write(key, Samples.storedRecord("aws-us-east-1", "a@b", List.of()), 3))
        .isInstanceOf(SynclineException.class);
    assertThat(store.load(key)).isEmpty();
  }

  @Test
  void withDueOutbox_listsOnlyRecordsThatOweAPeer() {
    RecordStore store = newStore();
    RecordKey owing = new RecordKey("user", "contract-owing");
    RecordKey settled = new RecordKey("user", "contract-settled");
    store.write(owing, Samples.storedRecord("aws-us-east-1", "a@b", List.of("gcp-us-east4")), 0);
    store.write(settled, Samples.storedRecord("aws-us-east-1", "a@b", List.of()), 0);

    assertThat(store.withDueOutbox(Long.MAX_VALUE, 100)).containsExactly(owing);

    StoredRecord cleared = store.load(owing).orElseThrow().record().withOutbox(new java.util.TreeMap<>());
    store.write(owing, cleared, 1);
    assertThat(store.withDueOutbox(Long.MAX_VALUE, 100)).isEmpty();
  }

  @Test
  void withDueOutbox_skipsRecordsWhoseEntriesWaitOutABackoff_untilTheyAreDue() {
    RecordStore store = newStore();
    StoredRecord owing = Samples.storedRecord("aws-us-east-1", "a@b", List.of("gcp-us-east4"));
    long due = 1_764_158_400_000L + 30_000;
    java.util.TreeMap<String, dev.syncline.core.port.OutboxEntry> backingOff = new java.util.TreeMap<>();
    owing.outbox().forEach((peer, entry) -> backingOff.put(peer, entry.failed(due)));
    store.write(key, owing.withOutbox(backingOff), 0);

    assertThat(store.withDueOutbox(due - 1, 100)).isEmpty();
    assertThat(store.withDueOutbox(due, 100)).containsExactly(key);
  }

  @Test
  void withDueOutbox_respectsTheLimit() {
    RecordStore store = newStore();
    for (int i = 0; i < 5; i++) {
      store.write(new RecordKey("user", "contract-limit-" + i), Samples.storedRecord("aws-us-east-1", "a@b", List.of("gcp-us-east4")), 0);
    }

    assertThat(store.withDueOutbox(Long.MAX_VALUE, 3)).hasSize(3);
    assertThat(store.withDueOutbox(Long.MAX_VALUE, 100)).hasSize(5);
  }

  @Test
  void write_letsExactlyOneOfConcurrentWritersWin() throws Exception {
    RecordStore store = newStore();
    store.write(key, Samples.storedRecord("aws-us-east-1", "start@x", List.of()), 0);
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        StoredRecord mine = Samples.storedRecord("aws-us-east-1", "w" + i + "@x", List.of());
        Callable<Boolean> attempt =
            () -> {
              start.await();
              try {
                store.write(key, mine, 1);
                return true;
              } catch (SynclineException e) {
                assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION);
                return false;
              }
            };
        results.add(pool.submit(attempt));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(store.load(key).orElseThrow().version()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void write_keepsKeysApart() {
    RecordStore store = newStore();
    RecordKey other = new RecordKey("order", "contract-1");
    StoredRecord a = Samples.storedRecord("aws-us-east-1", "a@b", List.of());
    StoredRecord b = Samples.storedRecord("gcp-us-east4", "c@d", List.of());

    store.write(key, a, 0);
    store.write(other, b, 0);

    assertThat(Map.of(key, store.load(key).orElseThrow().record(), other, store.load(other).orElseThrow().record()))
        .containsEntry(key, a)
        .containsEntry(other, b);
  }

  // ---- anti-entropy's bucket scan ---------------------------------------------------------------

  /** {@code n} keys that all fall into anti-entropy bucket {@code bucket}. */
  protected static List<RecordKey> keysInBucket(int bucket, int n, String prefix) {
    List<RecordKey> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      RecordKey k = new RecordKey("user", prefix + "-" + i);
      if (RecordDigest.bucket(k) == bucket) {
        out.add(k);
      }
    }
    return out;
  }

  /** Every entry of a bucket, page by page, checking each page's bound. */
  private static List<BucketPage.Entry> scanAll(RecordStore store, int bucket, int limit) {
    List<BucketPage.Entry> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      BucketPage page = store.scanBucket(bucket, cursor, limit);
      assertThat(page.entries()).as("page %d of bucket %d", pages, bucket).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.entries());
      cursor = page.cursor();
      assertThat(++pages).as("pages of bucket %d", bucket).isLessThan(1_000);
    } while (cursor != null);
    return all;
  }

  private static Map<RecordKey, Digest> nonZero(List<BucketPage.Entry> entries) {
    Map<RecordKey, Digest> out = new java.util.HashMap<>();
    for (BucketPage.Entry e : entries) {
      if (!e.digest().isZero()) {
        assertThat(out.put(e.key(), e.digest())).as("%s listed twice", e.key()).isNull();
      }
    }
    return out;
  }

  @Test
  void scanBucket_listsEveryRecordOfItsBucketOnce_withTheDigestOfItsState_inBoundedPages() {
    RecordStore store = newStore();
    List<RecordKey> mine = keysInBucket(517, 7, "scan");
    List<RecordKey> elsewhere = keysInBucket(518, 2, "scan");
    Map<RecordKey, Digest> expected = new java.util.HashMap<>();
    for (RecordKey k : mine) {
      StoredRecord r = Samples.storedRecord("aws-us-east-1", k.id() + "@x", List.of("gcp-us-east4"));
      store.write(k, r, 0);
      expected.put(k, RecordDigest.of(k, r.state()));
    }
    for (RecordKey k : elsewhere) {
      store.write(k, Samples.storedRecord("aws-us-east-1", "o@x", List.of()), 0);
    }

    assertThat(nonZero(scanAll(store, 517, 3))).isEqualTo(expected);
    assertThat(nonZero(scanAll(store, 517, 500))).isEqualTo(expected);
    assertThat(nonZero(scanAll(store, 518, 1)).keySet()).containsExactlyInAnyOrderElementsOf(elsewhere);
    assertThat(nonZero(scanAll(store, 519, 10))).isEmpty();
  }

  @Test
  void scanBucket_resumesFromACursor_whateverWasWrittenSince() {
    RecordStore store = newStore();
    List<RecordKey> keys = keysInBucket(3, 6, "resume");
    for (RecordKey k : keys) {
      store.write(k, Samples.storedRecord("aws-us-east-1", "a@x", List.of()), 0);
    }
    BucketPage first = store.scanBucket(3, null, 2);
    // WHEN, between two pages, a record is rewritten and another is added to the bucket
    RecordKey changed = keys.get(5);
    StoredRecord newer = Samples.storedRecord("gcp-us-east4", "b@x", List.of());
    store.write(changed, newer, 1);
    RecordKey added = keysInBucket(3, 7, "resume").get(6);
    store.write(added, Samples.storedRecord("aws-us-east-1", "c@x", List.of()), 0);
    List<BucketPage.Entry> rest = new ArrayList<>(first.entries());
    String cursor = first.cursor();
    while (cursor != null) {
      BucketPage page = store.scanBucket(3, cursor, 2);
      rest.addAll(page.entries());
      cursor = page.cursor();
    }
    // THEN every record there throughout is listed (the rewritten one with either digest), none twice
    Map<RecordKey, Digest> seen = nonZero(rest);
    assertThat(seen.keySet()).containsAll(keys);
    assertThat(seen.get(changed)).isIn(
        RecordDigest.of(changed, Samples.storedRecord("aws-us-east-1", "a@x", List.of()).state()),
        RecordDigest.of(changed, newer.state()));
  }

  @Test
  void scanBucket_showsTheNewDigest_afterAStateChange_andTheSameAfterAnOutboxOnlyWrite() {
    RecordStore store = newStore();
    RecordKey k = keysInBucket(1000, 1, "digest").get(0);
    StoredRecord first = Samples.storedRecord("aws-us-east-1", "a@x", List.of("gcp-us-east4"));
    store.write(k, first, 0);
    StoredRecord cleared = first.withOutbox(new java.util.TreeMap<>());
    store.write(k, cleared, 1);
    assertThat(nonZero(scanAll(store, 1000, 10))).containsExactly(Map.entry(k, RecordDigest.of(k, first.state())));

    StoredRecord second = Samples.storedRecord("aws-us-east-1", "b@x", List.of());
    store.write(k, second, 2);

    assertThat(nonZero(scanAll(store, 1000, 10))).containsExactly(Map.entry(k, RecordDigest.of(k, second.state())));
  }

  @Test
  void scanBucket_givesARecordWithAnEmptyStateTheZeroDigest_orLeavesItOut() {
    RecordStore store = newStore();
    RecordKey k = keysInBucket(77, 1, "empty").get(0);
    store.write(k, StoredRecord.EMPTY, 0);

    assertThat(scanAll(store, 77, 10)).allSatisfy(e -> assertThat(e.digest()).isEqualTo(Digest.ZERO));
  }
}
