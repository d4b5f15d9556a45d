package dev.syncline.core.port;

import dev.syncline.core.crdt.RecordState;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a replica keeps for one record, written in ONE atomic conditional write (DESIGN
 * section 5): the replicated state, what it still owes each peer, and the intents already applied
 * to it (so that an intent redelivered after a crash between the write and the acknowledgement is
 * recognized even though the dedupe store never heard it complete).
 *
 * @param state the CRDT state
 * @param outbox peer replica id to what it is still owed
 * @param appliedIntents the intents applied to this record, here and by peers, with when; entries
 *     older than the intent retention are pruned on the next write
 */
public record StoredRecord(
    RecordState state,
    SortedMap<String, OutboxEntry> outbox,
    AppliedIntents appliedIntents) {

  public static final StoredRecord EMPTY =
      new StoredRecord(RecordState.EMPTY, Collections.emptySortedMap(), AppliedIntents.EMPTY);

  public StoredRecord {
    outbox = Collections.unmodifiableSortedMap(new TreeMap<>(outbox));
    if (appliedIntents == null) {
      throw new IllegalArgumentException("applied intents are required (AppliedIntents.EMPTY for none)");
    }
  }

  /**
   * When the earliest outbox entry falls due, {@code Long.MAX_VALUE} if the outbox is empty.
   * Stores index it so that {@link RecordStore#withDueOutbox} finds due records cheaply.
   */
  public long nextDueMillis() {
    long due = Long.MAX_VALUE;
    for (OutboxEntry e : outbox.values()) {
      due = Math.min(due, e.nextAttemptMillis());
    }
    return due;
  }

  public StoredRecord withState(RecordState next) {
    return new StoredRecord(next, outbox, appliedIntents);
  }

  public StoredRecord withOutbox(SortedMap<String, OutboxEntry> next) {
    return new StoredRecord(state, next, appliedIntents);
  }

  public StoredRecord withAppliedIntents(AppliedIntents next) {
    return new StoredRecord(state, outbox, next);
  }
}
