package dev.syncline.core.port;

import java.util.List;
import java.util.Optional;

/**
 * Port: the cloud's dead-letter table (DynamoDB, Table Storage, Bigtable). It keeps each letter
 * until an operator removes it; a replay does not remove it, so replaying twice is harmless.
 */
public interface DeadLetterSink {

  /** Stores the dead letter durably. @throws dev.syncline.core.SynclineException UNAVAILABLE */
  void accept(DeadLetter deadLetter);

  /**
   * Up to {@code limit} dead letters, in any order.
   *
   * @throws dev.syncline.core.SynclineException UNAVAILABLE
   */
  List<StoredDeadLetter> list(int limit);

  /**
   * One dead letter by its id.
   *
   * @throws dev.syncline.core.SynclineException UNAVAILABLE
   */
  Optional<StoredDeadLetter> get(String id);
}
