package dev.syncline.core.extension;

/**
 * Told of each change to a record, after the merged state is durable: a local write intent (and
 * a conflict handler's resolution), or a remote change (from a peer's outbox or from
 * anti-entropy's repair).
 *
 * <p>In-process delivery is best effort, by design:
 *
 * <ul>
 *   <li>It runs on the thread that made the change, after the change is durable and before the
 *       intent or change is acknowledged; keep it quick.
 *   <li>A listener that throws (a runtime exception, or a linkage error such as a class
 *       missing from the extension jar) is logged and counted ({@code ListenerFailures}), and the next
 *       listener is still called; the change stands and is acknowledged as usual. It is not called
 *       again for that change.
 *   <li>A crash between the durable write and the call loses the call. A redelivery of the same
 *       intent or change is a duplicate and calls no listener.
 * </ul>
 *
 * For at-least-once delivery, subscribe a webhook ({@code SYNCLINE_SUBSCRIBERS}) instead: its
 * events are written to the outbox in the same atomic write as the change.
 */
@FunctionalInterface
public interface ChangeListener {

  void onChange(RecordChange change);
}
