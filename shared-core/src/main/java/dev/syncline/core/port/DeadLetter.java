package dev.syncline.core.port;

/**
 * Something that can never be applied or delivered, kept with its reason so an operator can
 * inspect and replay it.
 *
 * @param kind what it is
 * @param subject the record it addresses ({@code entity/id}), or null if unknown
 * @param eventId the CloudEvent id, or null if unknown
 * @param reason why it was given up, without payload
 * @param payload the original bytes, for replay
 */
public record DeadLetter(Kind kind, String subject, String eventId, String reason, byte[] payload) {

  public enum Kind {
    /** A write intent that is malformed or violates the schema. */
    INTENT,
    /** An outbox entry that exceeded its max age or was refused by the peer. */
    CHANGE
  }
}
