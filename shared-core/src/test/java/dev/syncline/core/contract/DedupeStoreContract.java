package dev.syncline.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.Claim;
import dev.syncline.core.Dedupe;
import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DedupeStore} must show: conditional CRUD of {@link DedupeEntry
 * entries}, judging none of their fields. Each adapter's test extends this class and returns a
 * fresh, empty store from {@link #newStore()}, backed by its emulator. The dedupe policy itself
 * (leases, expiry, takeover) is the core's, tested once over the in-memory store ({@code
 * DedupeTest}); one test here runs it over this store, racing. Times are explicit, so no test
 * waits.
 */
public abstract class DedupeStoreContract {

  /** A store with no entries in it (a fresh table). */
  protected abstract DedupeStore newStore();

  /**
   * Whether {@link DedupeStore#sweepExpired} deletes expired entries (a store without TTL) or
   * none (a store whose native TTL or GC rule removes them). Default: it deletes them.
   */
  protected boolean sweeps() {
    return true;
  }

  private static final long NOW = 1_764_158_400_000L;
  private static final long LEASE = NOW + 60_000;
  private static final long EXPIRES = NOW + 86_400_000;

  private static DedupeEntry leased(String key, String token) {
    return DedupeEntry.inProgress(key, token, LEASE, EXPIRES);
  }

  /** What the core wrote, without the store's version. */
  private static DedupeEntry fields(DedupeEntry read) {
    return read.withVersion(null);
  }

  @Test
  void read_isEmpty_forAKeyNeverWritten() {
    assertThat(newStore().read("never-seen")).isEmpty();
  }

  @Test
  void insertIfAbsent_storesTheEntry_asWritten() {
    DedupeStore store = newStore();

    boolean inserted = store.insertIfAbsent(leased("k1", "t1"));

    assertThat(inserted).isTrue();
    assertThat(store.read("k1").map(DedupeStoreContract::fields)).contains(leased("k1", "t1"));
  }

  @Test
  void insertIfAbsent_storesACompletedEntry_withoutToken() {
    DedupeStore store = newStore();

    store.insertIfAbsent(DedupeEntry.completed("k1", EXPIRES));

    DedupeEntry read = store.read("k1").orElseThrow();
    assertThat(fields(read)).isEqualTo(DedupeEntry.completed("k1", EXPIRES));
  }

  @Test
  void insertIfAbsent_refusesASecondInsert_andKeepsTheFirst() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));

    boolean second = store.insertIfAbsent(leased("k1", "t2"));

    assertThat(second).isFalse();
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t1");
  }

  @Test
  void insertIfAbsent_refuses_evenOverAnExpiredEntry() {
    // GIVEN an entry that expired long ago: expiry is the core's to judge, not the store's
    DedupeStore store = newStore();
    store.insertIfAbsent(DedupeEntry.inProgress("k1", "t1", 2_000, 5_000));

    assertThat(store.insertIfAbsent(leased("k1", "t2"))).isFalse();
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t1");
  }

  @Test
  void insertIfAbsent_keepsKeysApart() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));

    assertThat(store.insertIfAbsent(leased("k2", "t2"))).isTrue();
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t1");
    assertThat(store.read("k2").orElseThrow().token()).isEqualTo("t2");
  }

  @Test
  void replaceIfUnchanged_writes_whenTheEntryIsAsRead() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));
    DedupeEntry read = store.read("k1").orElseThrow();

    boolean replaced = store.replaceIfUnchanged(read, DedupeEntry.completed("k1", EXPIRES + 1));

    assertThat(replaced).isTrue();
    assertThat(fields(store.read("k1").orElseThrow())).isEqualTo(DedupeEntry.completed("k1", EXPIRES + 1));
  }

  @Test
  void replaceIfUnchanged_refuses_aStaleRead_andKeepsTheNewerEntry() {
    // GIVEN two readers of the same entry, and the first replaces it
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));
    DedupeEntry first = store.read("k1").orElseThrow();
    DedupeEntry second = store.read("k1").orElseThrow();
    assertThat(store.replaceIfUnchanged(first, leased("k1", "t2"))).isTrue();

    // WHEN the second replaces what it read
    boolean replaced = store.replaceIfUnchanged(second, leased("k1", "t3"));

    // THEN it is refused and the first's entry stays
    assertThat(replaced).isFalse();
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t2");
  }

  @Test
  void replaceIfUnchanged_refuses_whenTheEntryWasDeleted() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));
    DedupeEntry read = store.read("k1").orElseThrow();
    store.deleteIfUnchanged(read);

    assertThat(store.replaceIfUnchanged(read, leased("k1", "t2"))).isFalse();
    assertThat(store.read("k1")).isEmpty();
  }

  @Test
  void replaceIfUnchanged_canBeChained_fromEachRead() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));

    boolean first = store.replaceIfUnchanged(store.read("k1").orElseThrow(), leased("k1", "t2"));
    boolean second = store.replaceIfUnchanged(store.read("k1").orElseThrow(), DedupeEntry.completed("k1", EXPIRES));

    assertThat(first).isTrue();
    assertThat(second).isTrue();
    assertThat(store.read("k1").orElseThrow().isCompleted()).isTrue();
  }

  @Test
  void deleteIfUnchanged_removes_whenTheEntryIsAsRead() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));

    boolean deleted = store.deleteIfUnchanged(store.read("k1").orElseThrow());

    assertThat(deleted).isTrue();
    assertThat(store.read("k1")).isEmpty();
    assertThat(store.insertIfAbsent(leased("k1", "t2"))).isTrue();
  }

  @Test
  void deleteIfUnchanged_refuses_aStaleRead_andKeepsTheNewerEntry() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));
    DedupeEntry stale = store.read("k1").orElseThrow();
    store.replaceIfUnchanged(store.read("k1").orElseThrow(), DedupeEntry.completed("k1", EXPIRES));

    boolean deleted = store.deleteIfUnchanged(stale);

    assertThat(deleted).isFalse();
    assertThat(store.read("k1").orElseThrow().isCompleted()).isTrue();
  }

  @Test
  void deleteIfUnchanged_refuses_whenAlreadyDeleted() {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k1", "t1"));
    DedupeEntry read = store.read("k1").orElseThrow();
    store.deleteIfUnchanged(read);

    assertThat(store.deleteIfUnchanged(read)).isFalse();
  }

  @Test
  void sweepExpired_deletesOnlyEntriesExpiredAtNow() {
    // GIVEN one entry expired before now, one expiring exactly now, one live
    DedupeStore store = newStore();
    store.insertIfAbsent(DedupeEntry.completed("old", NOW - 1));
    store.insertIfAbsent(DedupeEntry.inProgress("due", "t", NOW - 10, NOW));
    store.insertIfAbsent(leased("live", "t"));

    int deleted = store.sweepExpired(NOW, 100);

    // THEN a sweeping store deletes the first two; a store with native TTL deletes nothing here
    assertThat(store.read("live")).isPresent();
    if (sweeps()) {
      assertThat(deleted).isEqualTo(2);
      assertThat(store.read("old")).isEmpty();
      assertThat(store.read("due")).isEmpty();
    } else {
      assertThat(deleted).isZero();
      assertThat(store.read("old")).isPresent();
    }
  }

  @Test
  void sweepExpired_deletesAtMostTheLimit() {
    DedupeStore store = newStore();
    for (int i = 0; i < 3; i++) {
      store.insertIfAbsent(DedupeEntry.completed("old-" + i, NOW - 1));
    }

    int first = store.sweepExpired(NOW, 2);
    int second = store.sweepExpired(NOW, 2);

    assertThat(first).isEqualTo(sweeps() ? 2 : 0);
    assertThat(second).isEqualTo(sweeps() ? 1 : 0);
  }

  @Test
  void concurrentInserts_exactlyOneWins() throws Exception {
    DedupeStore store = newStore();
    List<Boolean> results = race(8, i -> () -> store.insertIfAbsent(leased("k-race", "t" + i)));

    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void concurrentReplacesOfTheSameRead_exactlyOneWins() throws Exception {
    DedupeStore store = newStore();
    store.insertIfAbsent(leased("k-race", "t"));
    DedupeEntry read = store.read("k-race").orElseThrow();

    List<Boolean> results = race(8, i -> () -> store.replaceIfUnchanged(read, leased("k-race", "t" + i)));

    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void theCoresClaim_letsExactlyOneOfConcurrentClaimsAcquire() throws Exception {
    // The policy's race loop over this store's conditional writes, end to end.
    Dedupe dedupe = new Dedupe(newStore());

    List<Claim> results = race(8, i -> () -> dedupe.claim("k-race", "t" + i, NOW, LEASE, EXPIRES));

    assertThat(results).filteredOn(c -> c instanceof Claim.Acquired).hasSize(1);
    assertThat(results).filteredOn(c -> !(c instanceof Claim.Acquired)).containsOnly(new Claim.InProgress(LEASE));
  }

  /** Runs {@code n} calls at once, released together, and answers their results. */
  private static <T> List<T> race(int n, IntFunction<Callable<T>> call) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> c = call.apply(i);
        futures.add(pool.submit(() -> {
          start.await();
          return c.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
