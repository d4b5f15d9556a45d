package dev.syncline.core;

import dev.syncline.core.event.ChangeEvents;
import dev.syncline.core.event.IntentParser;
import dev.syncline.core.event.WriteIntent;
import dev.syncline.core.outbox.OutboxDrain;
import dev.syncline.core.port.DeadLetter;
import dev.syncline.core.port.DeadLetterSink;
import dev.syncline.core.port.Metrics;
import io.cloudevents.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cloud's bus-triggered intent function does with one delivery, so that the function
 * itself only unwraps its native envelope:
 *
 * <ul>
 *   <li>applies the intent exactly once and forwards it to the peers at once (a failed forward is
 *       left to the scheduled drain);
 *   <li>sends an intent that can never apply (malformed, or not fitting the schema) to the
 *       dead-letter sink with its reason, counts it ({@link Metrics#deadLettered}), and returns
 *       normally so the bus does not retry it for a day;
 *   <li>throws a transient {@link SynclineException} when a retry can succeed (store unavailable,
 *       a concurrent duplicate holding the lease), so the function fails and the bus redelivers.
 * </ul>
 */
public final class IntentDelivery {

  private static final Logger log = LoggerFactory.getLogger(IntentDelivery.class);

  /** What became of a delivery that the bus may consider done. */
  public enum Result {
    APPLIED,
    DUPLICATE,
    DEAD_LETTERED;

    /** The name in the answer: {@code applied}, {@code duplicate} or {@code dead-lettered}. */
    public String outcome() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The answer every cloud's intent function gives, {@code {"outcome":"applied"}}, the same
     * shape as the HTTPS ingress's answer to an intent.
     */
    public byte[] toJson() {
      return outcomeJson(outcome());
    }
  }

  /** {@code {"outcome": name}} as UTF-8 JSON. */
  public static byte[] outcomeJson(String name) {
    return dev.syncline.core.json.Json.writeString(java.util.Map.of("outcome", name))
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private final SyncEngine engine;
  private final OutboxDrain drain;
  private final DeadLetterSink deadLetters;
  private final Metrics metrics;

  public IntentDelivery(SyncEngine engine, OutboxDrain drain, DeadLetterSink deadLetters, Metrics metrics) {
    this.engine = engine;
    this.drain = drain;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  /** Delivers a structured-mode JSON CloudEvent. */
  public Result deliverStructured(byte[] event) {
    CloudEvent parsed;
    try {
      parsed = IntentParser.readStructured(event);
    } catch (SynclineException e) {
      return deadLetter(null, null, e.getMessage(), event);
    }
    return deliver(parsed, event);
  }

  /**
   * Delivers a parsed CloudEvent. A dead letter keeps it in structured mode, however it came (an
   * EventBridge envelope, a Pub/Sub binary-mode message), so that it can be replayed.
   *
   * @throws SynclineException a transient kind: fail the invocation so that the bus redelivers
   */
  public Result deliver(CloudEvent event) {
    return deliver(event, ChangeEvents.toStructured(event).body());
  }

  /** Delivers a parsed event; {@code structured} is it in structured mode, kept with a dead letter. */
  private Result deliver(CloudEvent event, byte[] structured) {
    byte[] original = structured;
    WriteIntent intent;
    try {
      intent = IntentParser.parse(event);
    } catch (SynclineException e) {
      return deadLetter(event.getSubject(), event.getId(), e.getMessage(), original);
    }
    ApplyOutcome outcome = engine.applyIntent(intent);
    if (outcome instanceof ApplyOutcome.Rejected rejected) {
      return deadLetter(intent.key().subject(), intent.id(), rejected.reason(), original);
    }
    if (outcome instanceof ApplyOutcome.InProgress busy) {
      throw SynclineException.concurrentModification(
          "intent is being applied by another invocation; retry in " + busy.retryAfterMillis() + " ms");
    }
    if (outcome instanceof ApplyOutcome.Duplicate) {
      return Result.DUPLICATE;
    }
    forwardNow(intent);
    return Result.APPLIED;
  }

  /**
   * Forgets up to {@code limit} intents whose dedupe entries are past the TTL, in a dedupe store
   * that has no TTL of its own (Table Storage); elsewhere it deletes nothing. The scheduled drain
   * calls it.
   *
   * @return how many entries were deleted
   * @throws SynclineException UNAVAILABLE if the store cannot be reached
   */
  public int sweepExpired(int limit) {
    return engine.sweepExpiredDedupe(limit);
  }

  private void forwardNow(WriteIntent intent) {
    try {
      drain.drainToPeers(intent.key());
    } catch (SynclineException e) {
      log.warn("forwarding {} deferred to the scheduled drain: {}", intent.key(), e.kind());
    }
  }

  private Result deadLetter(String subject, String id, String reason, byte[] original) {
    deadLetters.accept(new DeadLetter(DeadLetter.Kind.INTENT, subject, id, reason, original));
    metrics.deadLettered();
    log.warn("intent {} dead-lettered: {}", id, reason);
    return Result.DEAD_LETTERED;
  }
}
