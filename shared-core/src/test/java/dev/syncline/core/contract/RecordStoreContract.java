package dev.syncline.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.RecordKey;
import dev.syncline.core.SynclineException;
import dev.syncline.core.port.RecordStore;
import dev.syncline.core.port.StoredRecord;
import dev.syncline.core.port.Versioned;
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
}
