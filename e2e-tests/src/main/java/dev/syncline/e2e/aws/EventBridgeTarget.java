package dev.syncline.e2e.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An EventBridge rule's Lambda target: wraps the structured CloudEvent in the EventBridge event
 * envelope ({@code detail} = the CloudEvent, {@code detail-type} = its type, {@code source} = its
 * source) and invokes the function. EventBridge invokes Lambda asynchronously, so retries are
 * Lambda's asynchronous-invocation retries, which the sandbox's bus applies
 * ({@link dev.syncline.e2e.bus.RetryPolicy#eventBridge()}); this target reports each attempt:
 * 200 when the function returned, 500 when it failed, an {@link IOException} when it timed out.
 */
final class EventBridgeTarget implements BusTarget {

  private final String accountId;
  private final String region;
  private final Function<byte[], CompletableFuture<Invocation.Result>> function;

  EventBridgeTarget(String accountId, String region, Function<byte[], CompletableFuture<Invocation.Result>> function) {
    this.accountId = accountId;
    this.region = region;
    this.function = function;
  }

  @Override
  public int deliver(byte[] cloudEvent, int attempt) throws IOException {
    byte[] payload = Http.JSON.writeValueAsBytes(envelope(cloudEvent, UUID.randomUUID().toString(), Instant.now()));
    try {
      Invocation.Result result = function.apply(payload).get();
      return result instanceof Invocation.Result.Response ? 200 : 500;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new IOException("the intent function timed out", e.getCause());
      }
      throw new IOException("the intent function could not be invoked: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while invoking the intent function", e);
    }
  }

  /**
   * The EventBridge event for one structured CloudEvent, shaped as
   * {@code shared/samples/eventbridge-intent.json}.
   *
   * @throws IOException if the CloudEvent is not a JSON object (EventBridge would refuse it)
   */
  ObjectNode envelope(byte[] cloudEvent, String eventId, Instant now) throws IOException {
    JsonNode detail = Http.JSON.readTree(cloudEvent);
    if (detail == null || !detail.isObject()) {
      throw new IOException("an EventBridge event's detail must be a JSON object");
    }
    ObjectNode envelope = Http.JSON.createObjectNode()
        .put("version", "0")
        .put("id", eventId)
        .put("detail-type", detail.path("type").asText())
        .put("source", detail.path("source").asText())
        .put("account", accountId)
        .put("time", now.truncatedTo(ChronoUnit.SECONDS).toString())
        .put("region", region);
    envelope.putArray("resources");
    envelope.set("detail", detail);
    return envelope;
  }
}
