package dev.syncline.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncline.core.port.Claim;
import dev.syncline.core.port.DedupeStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DedupeStore} must show. Each adapter's test extends this class and
 * returns a fresh, empty store from {@link #newStore()}. Times are explicit, so no test waits.
 */
public abstract class DedupeStoreContract {

  protected abstract DedupeStore newStore();

  private static final long NOW = 1_764_158_400_000L;
  private static final long LEASE = NOW + 60_000;
  private static final long EXPIRES = NOW + 86_400_000;

  @Test
  void claim_acquires_whenKeyIsNew() {
    assertThat(newStore().claim("k1", "t1", NOW, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void claim_answersInProgressWithTheLease_whileAnotherHoldsIt() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);

    Claim second = store.claim("k1", "t2", NOW + 1, LEASE + 1, EXPIRES);

    assertThat(second).isEqualTo(new Claim.InProgress(LEASE));
  }

  @Test
  void claim_answersAlreadyCompleted_afterComplete() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);
    store.complete("k1", EXPIRES);

    assertThat(store.claim("k1", "t2", NOW + 10, LEASE + 10, EXPIRES)).isInstanceOf(Claim.AlreadyCompleted.class);
  }

  @Test
  void claim_acquires_whenTheLeaseHasLapsed() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);

    assertThat(store.claim("k1", "t2", LEASE, LEASE + 60_000, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void claim_acquires_whenACompletedEntryHasExpired() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);
    store.complete("k1", EXPIRES);

    assertThat(store.claim("k1", "t2", EXPIRES, EXPIRES + 60_000, EXPIRES + 86_400_000))
        .isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void release_letsTheNextClaimAcquire() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);

    store.release("k1", "t1");

    assertThat(store.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void release_withAnotherToken_changesNothing() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);

    store.release("k1", "not-mine");

    assertThat(store.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.InProgress.class);
  }

  @Test
  void release_neverForgetsACompletedEntry() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);
    store.complete("k1", EXPIRES);

    store.release("k1", "t1");

    assertThat(store.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.AlreadyCompleted.class);
  }

  @Test
  void isCompleted_isTrueOnlyForACompletedUnexpiredEntry() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);
    boolean whileInProgress = store.isCompleted("k1", NOW + 1);
    store.complete("k1", EXPIRES);

    assertThat(whileInProgress).isFalse();
    assertThat(store.isCompleted("k1", NOW + 2)).isTrue();
    assertThat(store.isCompleted("k1", EXPIRES)).isFalse();
    assertThat(store.isCompleted("never-seen", NOW)).isFalse();
  }

  @Test
  void claim_keepsKeysApart() {
    DedupeStore store = newStore();
    store.claim("k1", "t1", NOW, LEASE, EXPIRES);

    assertThat(store.claim("k2", "t2", NOW, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void claim_letsExactlyOneOfConcurrentClaimsAcquire() throws Exception {
    DedupeStore store = newStore();
    int claimers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    try {
      List<Future<Claim>> results = new ArrayList<>();
      for (int i = 0; i < claimers; i++) {
        String token = "t" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.claim("k-race", token, NOW, LEASE, EXPIRES);
                }));
      }
      start.countDown();
      int acquired = 0;
      for (Future<Claim> f : results) {
        Claim c = f.get(30, TimeUnit.SECONDS);
        if (c instanceof Claim.Acquired) {
          acquired++;
        } else {
          assertThat(c).isEqualTo(new Claim.InProgress(LEASE));
        }
      }
      assertThat(acquired).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
