package dev.syncline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.memory.InMemoryDedupeStore;
import dev.syncline.core.port.DedupeEntry;
import dev.syncline.core.port.DedupeStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The dedupe policy (leases, takeover, expiry, release) and its race loop, once, over the
 * in-memory store; each cloud's store is held to the conditional writes it relies on by {@code
 * DedupeStoreContract}.
 */
class DedupeTest {

  private static final long NOW = 1_764_158_400_000L;
  private static final long LEASE = NOW + 60_000;
  private static final long EXPIRES = NOW + 86_400_000;

  private final InMemoryDedupeStore store = new InMemoryDedupeStore();
  private final Dedupe dedupe = new Dedupe(store);

  @Test
  void claim_acquires_whenTheKeyIsNew() {
    assertThat(dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t1");
  }

  @Test
  void claim_answersInProgressWithTheLease_whileAnotherHoldsIt() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);

    Claim second = dedupe.claim("k1", "t2", LEASE - 1, LEASE + 60_000, EXPIRES);

    assertThat(second).isEqualTo(new Claim.InProgress(LEASE));
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t1");
  }

  @Test
  void claim_answersAlreadyCompleted_afterComplete_untilItExpires() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    dedupe.complete("k1", EXPIRES);

    assertThat(dedupe.claim("k1", "t2", EXPIRES - 1, EXPIRES + 60_000, EXPIRES + 86_400_000))
        .isInstanceOf(Claim.AlreadyCompleted.class);
  }

  @Test
  void claim_takesOver_whenTheLeaseHasLapsed() {
    // GIVEN a holder that died without completing or releasing
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);

    // WHEN another claims at the moment the lease lapses
    Claim second = dedupe.claim("k1", "t2", LEASE, LEASE + 60_000, EXPIRES);

    // THEN it holds the lease, and the first holder can no longer release it
    assertThat(second).isInstanceOf(Claim.Acquired.class);
    dedupe.release("k1", "t1");
    assertThat(dedupe.claim("k1", "t3", LEASE + 1, LEASE + 60_000, EXPIRES)).isEqualTo(new Claim.InProgress(LEASE + 60_000));
  }

  @Test
  void claim_takesOver_aCompletedEntryOnceItHasExpired() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    dedupe.complete("k1", EXPIRES);

    assertThat(dedupe.claim("k1", "t2", EXPIRES, EXPIRES + 60_000, EXPIRES + 86_400_000))
        .isInstanceOf(Claim.Acquired.class);
    assertThat(store.read("k1").orElseThrow().isCompleted()).isFalse();
  }

  @Test
  void claim_takesOver_anExpiredEntry_evenIfItsLeaseIsLonger() {
    dedupe.claim("k1", "t1", NOW, EXPIRES + 60_000, EXPIRES);

    assertThat(dedupe.claim("k1", "t2", EXPIRES, EXPIRES + 60_000, EXPIRES + 86_400_000))
        .isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void claim_keepsKeysApart() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);

    assertThat(dedupe.claim("k2", "t2", NOW, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void release_letsTheNextClaimAcquire() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);

    dedupe.release("k1", "t1");

    assertThat(dedupe.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
  }

  @Test
  void release_withAnotherToken_changesNothing() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);

    dedupe.release("k1", "not-mine");

    assertThat(dedupe.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.InProgress.class);
  }

  @Test
  void release_neverForgetsACompletedEntry() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    dedupe.complete("k1", EXPIRES);

    dedupe.release("k1", "t1");

    assertThat(dedupe.claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.AlreadyCompleted.class);
  }

  @Test
  void release_ofAKeyNeverClaimed_doesNothing() {
    dedupe.release("never-seen", "t1");

    assertThat(store.read("never-seen")).isEmpty();
  }

  @Test
  void isCompleted_isTrueOnlyForACompletedUnexpiredEntry() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    boolean whileInProgress = dedupe.isCompleted("k1", NOW + 1);
    dedupe.complete("k1", EXPIRES);

    assertThat(whileInProgress).isFalse();
    assertThat(dedupe.isCompleted("k1", NOW + 2)).isTrue();
    assertThat(dedupe.isCompleted("k1", EXPIRES)).isFalse();
    assertThat(dedupe.isCompleted("never-seen", NOW)).isFalse();
  }

  @Test
  void complete_marksTheKeyApplied_evenAfterAnotherTookTheLeaseOver() {
    // GIVEN a slow holder whose lease lapsed and was taken over
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    dedupe.claim("k1", "t2", LEASE, LEASE + 60_000, EXPIRES + 60_000);

    // WHEN the slow holder completes
    dedupe.complete("k1", EXPIRES);

    // THEN the key is applied: the record itself tells the new holder it is a duplicate
    assertThat(dedupe.claim("k1", "t3", LEASE + 1, LEASE + 120_000, EXPIRES)).isInstanceOf(Claim.AlreadyCompleted.class);
  }

  @Test
  void complete_writesTheEntry_whenItWasRemovedMeanwhile() {
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    store.deleteIfUnchanged(store.read("k1").orElseThrow());

    dedupe.complete("k1", EXPIRES);

    assertThat(dedupe.isCompleted("k1", NOW)).isTrue();
  }

  @Test
  void complete_leavesALaterCompletionAsItIs() {
    dedupe.complete("k1", EXPIRES + 1_000);
    DedupeEntry before = store.read("k1").orElseThrow();

    dedupe.complete("k1", EXPIRES);

    assertThat(store.read("k1")).contains(before);
  }

  @Test
  void claim_answersWhatTheWinnerWrote_whenATakeoverLosesTheRace() {
    // GIVEN a lapsed lease, and a rival whose takeover lands between our read and our replace
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    DedupeStore racing = new Forwarding(store) {
      boolean raced;

      @Override
      public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
        if (!raced) {
          raced = true;
          assertThat(dedupe.claim("k1", "rival", LEASE, LEASE + 30_000, EXPIRES)).isInstanceOf(Claim.Acquired.class);
        }
        return super.replaceIfUnchanged(expected, next);
      }
    };

    // WHEN we claim
    Claim ours = new Dedupe(racing).claim("k1", "t2", LEASE, LEASE + 60_000, EXPIRES);

    // THEN we read again and find the rival's live lease
    assertThat(ours).isEqualTo(new Claim.InProgress(LEASE + 30_000));
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("rival");
  }

  @Test
  void claim_insertsAgain_whenTheEntryVanishesBetweenInsertAndRead() {
    // GIVEN a holder that releases right after our insert found its entry
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    DedupeStore releasing = new Forwarding(store) {
      @Override
      public Optional<DedupeEntry> read(String key) {
        dedupe.release("k1", "t1");
        return super.read(key);
      }
    };

    assertThat(new Dedupe(releasing).claim("k1", "t2", NOW + 1, LEASE, EXPIRES)).isInstanceOf(Claim.Acquired.class);
    assertThat(store.read("k1").orElseThrow().token()).isEqualTo("t2");
  }

  @Test
  void claim_givesUp_afterBoundedAttempts_whenTheEntryKeepsChanging() {
    // GIVEN an expired entry that every replace finds changed
    dedupe.claim("k1", "t1", NOW, LEASE, EXPIRES);
    AtomicInteger replaces = new AtomicInteger();
    DedupeStore churning = new Forwarding(store) {
      @Override
      public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
        replaces.incrementAndGet();
        return false;
      }
    };

    assertThatThrownBy(() -> new Dedupe(churning).claim("k1", "t2", EXPIRES, EXPIRES + 60_000, EXPIRES + 86_400_000))
        .isInstanceOfSatisfying(SynclineException.class,
            e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.CONCURRENT_MODIFICATION));
    assertThat(replaces.get()).isEqualTo(Dedupe.ATTEMPTS);
  }

  @Test
  void claim_passesOnAnUnavailableStore() {
    DedupeStore down = new Forwarding(store) {
      @Override
      public boolean insertIfAbsent(DedupeEntry entry) {
        throw SynclineException.unavailable("down", null);
      }
    };

    assertThatThrownBy(() -> new Dedupe(down).claim("k1", "t1", NOW, LEASE, EXPIRES))
        .isInstanceOfSatisfying(SynclineException.class, e -> assertThat(e.kind()).isEqualTo(SynclineException.Kind.UNAVAILABLE));
  }

  @Test
  void sweep_forgetsOnlyExpiredEntries_soTheirKeysCanBeClaimedAfresh() {
    dedupe.claim("old", "t1", NOW, LEASE, EXPIRES);
    dedupe.complete("old", EXPIRES);
    dedupe.claim("live", "t1", NOW, LEASE, EXPIRES + 1);

    int swept = dedupe.sweep(EXPIRES, 100);

    assertThat(swept).isEqualTo(1);
    assertThat(store.read("old")).isEmpty();
    assertThat(store.read("live")).isPresent();
    assertThat(dedupe.claim("old", "t2", EXPIRES, EXPIRES + 60_000, EXPIRES + 86_400_000)).isInstanceOf(Claim.Acquired.class);
  }

  /** A store that passes every call to another; tests override the call they interfere with. */
  private static class Forwarding implements DedupeStore {
    private final DedupeStore real;

    Forwarding(DedupeStore real) {
      this.real = real;
    }

    @Override
    public Optional<DedupeEntry> read(String key) {
      return real.read(key);
    }

    @Override
    public boolean insertIfAbsent(DedupeEntry entry) {
      return real.insertIfAbsent(entry);
    }

    @Override
    public boolean replaceIfUnchanged(DedupeEntry expected, DedupeEntry next) {
      return real.replaceIfUnchanged(expected, next);
    }

    @Override
    public boolean deleteIfUnchanged(DedupeEntry expected) {
      return real.deleteIfUnchanged(expected);
    }

    @Override
    public int sweepExpired(long nowMillis, int limit) {
      return real.sweepExpired(nowMillis, limit);
    }
  }
}
