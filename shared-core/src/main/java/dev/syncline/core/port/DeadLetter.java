package dev.syncline.core.port;

/**
 * Something that can never be applied or delivered, kept with its reason so an operator can
 * inspect and replay it.
 *
 * @param kind what it is
 * @param subject the record it addresses ({@code entity/id}), or null if unknown
 * @param eventId the CloudEvent id, or null if unknown
 * @param reason why it was given up, without payload
 * @param payload what to replay: an intent as a structured-mode CloudEvent (as received; or, for
 *     one that came in an envelope or in binary mode, rendered in structured mode), or bytes that
 *     were no CloudEvent at all as received; for a change, its structured-mode body
 * @param peer for a change, the peer it was meant for; null for an intent
 */
public record DeadLetter(Kind kind, String subject, String eventId, String reason, byte[] payload, String peer) {

  public enum Kind {
    /** A write intent that is malformed or violates the schema. */
    INTENT,
    /** An outbox entry that exceeded its max age or was refused by the peer. */
    CHANGE
  }

  /** A dead letter meant for no peer: an intent. */
  public DeadLetter(Kind kind, String subject, String eventId, String reason, byte[] payload) {
    this(kind, subject, eventId, reason, payload, null);
  }
}
