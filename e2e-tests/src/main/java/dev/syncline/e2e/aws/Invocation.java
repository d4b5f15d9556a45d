package dev.syncline.e2e.aws;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One invocation of a Lambda function: its request id, payload and deadline, and the future its
 * caller waits on. The future completes with a {@link Result} when the runtime answers (or its
 * execution environment dies), and exceptionally with a {@link java.util.concurrent.TimeoutException}
 * when the function's timeout passes first.
 */
final class Invocation {

  /** What a function answered. */
  sealed interface Result {

    /** The function returned: its response payload (JSON, as the runtime serialised it). */
    record Response(byte[] payload) implements Result {}

    /**
     * The function failed: the error type the runtime reported (the
     * {@code Lambda-Runtime-Function-Error-Type} header, or a platform type such as
     * {@code Runtime.ExitError}) and the error document, {@code {"errorMessage":..,"errorType":..}}.
     */
    record FunctionError(String errorType, byte[] payload) implements Result {

      /** The error document as text, for failure messages. */
      String describe() {
        return errorType + ": " + new String(payload, StandardCharsets.UTF_8);
      }
    }
  }

  private final String requestId;
  private final byte[] payload;
  private final long deadlineEpochMillis;
  private final String traceId;
  private final long createdNanos = System.nanoTime();
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private final AtomicBoolean claimed = new AtomicBoolean();

  Invocation(String requestId, byte[] payload, Duration timeout, long nowEpochMillis, String traceId) {
    this.requestId = requestId;
    this.payload = payload;
    this.deadlineEpochMillis = nowEpochMillis + timeout.toMillis();
    this.traceId = traceId;
    result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String requestId() {
    return requestId;
  }

  byte[] payload() {
    return payload;
  }

  /** Epoch milliseconds, the {@code Lambda-Runtime-Deadline-Ms} header. */
  long deadlineEpochMillis() {
    return deadlineEpochMillis;
  }

  /** The X-Ray trace header, the {@code Lambda-Runtime-Trace-Id} header. */
  String traceId() {
    return traceId;
  }

  /** Milliseconds since it was created. */
  long ageMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdNanos);
  }

  CompletableFuture<Result> result() {
    return result;
  }

  /**
   * Hands the invocation to one execution environment: true exactly once, and only while nobody
   * has completed it (a timed-out invocation left in the queue is skipped).
   */
  boolean claim() {
    return !result.isDone() && claimed.compareAndSet(false, true);
  }

  /** Makes a claimed invocation available again, when it could not be handed over. */
  void release() {
    claimed.set(false);
  }

  /** Completes it; false if it was already complete (timed out, or answered before). */
  boolean complete(Result r) {
    return result.complete(r);
  }
}
