package dev.syncline.core.port;

/** Port: the cloud's dead-letter queue (SQS, a storage queue or blob, a Pub/Sub topic). */
public interface DeadLetterSink {
  /** Stores the dead letter durably. @throws dev.syncline.core.SynclineException UNAVAILABLE */
  void accept(DeadLetter deadLetter);
}
