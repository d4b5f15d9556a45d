package dev.syncline.e2e.sandbox;

import dev.syncline.e2e.bus.BusListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Futures that complete when a bus has delivered an event to its function (the function answered
 * 2xx, so the intent is durably applied on that cloud), or fail when the bus dead-letters it.
 * Only events someone registered for are tracked, and each is forgotten once it settles, so a
 * sandbox that stays up does not accumulate every event it ever delivered.
 */
final class DeliveryWatch implements BusListener {

  private final ConcurrentMap<String, CompletableFuture<Long>> byId = new ConcurrentHashMap<>();

  CompletableFuture<Long> future(String eventId) {
    return byId.computeIfAbsent(eventId, k -> new CompletableFuture<>());
  }

  @Override
  public void delivered(String bus, String eventId, int attempt, long publishedNanos, long ackedNanos) {
    CompletableFuture<Long> waiting = byId.remove(eventId);
    if (waiting != null) {
      waiting.complete(ackedNanos);
    }
  }

  @Override
  public void deadLettered(String bus, String eventId, int attempts, String failure) {
    CompletableFuture<Long> waiting = byId.remove(eventId);
    if (waiting != null) {
      waiting.completeExceptionally(new IllegalStateException(
          bus + " dead-lettered " + eventId + " after " + attempts + " attempts: " + failure));
    }
  }
}
