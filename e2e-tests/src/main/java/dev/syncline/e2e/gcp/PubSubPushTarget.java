package dev.syncline.e2e.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.e2e.bus.BusTarget;
import dev.syncline.e2e.net.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Pub/Sub push subscription delivering to the intent function, as Terraform configures it
 * (infra-terraform/gcp, {@code google_pubsub_subscription.intents}): each intent is the data of one
 * Pub/Sub message, and each delivery is an HTTP {@code POST} with {@code Content-Type:
 * application/json} whose body is the push request of the Pub/Sub documentation,
 * <pre>{@code
 * {"message":{"data":"<base64 intent>","attributes":{"content-type":"application/cloudevents+json"},
 *             "messageId":"...","message_id":"...","publishTime":"...","publish_time":"..."},
 *  "subscription":"projects/<project>/subscriptions/syncline-<replica>-intents-push",
 *  "deliveryAttempt":1}
 * }</pre>
 * with no {@code ce-} headers. The OIDC {@code Authorization} header the subscription adds is
 * omitted: Cloud Run checks it before the request reaches the function, and the function never
 * reads it.
 *
 * <p>A redelivery is the same message: every attempt carries the same message id and publish
 * time until the function acknowledges it (2xx). Messages are recognised by their bytes, so a
 * second publish of identical bytes while the first is still unacknowledged shares its message;
 * after an acknowledgement the same bytes are a new message, as a new publish would be. Every
 * attempt carries {@code deliveryAttempt}, which Pub/Sub sets because the subscription has a
 * dead-letter policy; it counts the first delivery as 1 (the function does not read it). A message nobody acknowledges is forgotten after the
 * retention of {@code RetryPolicy.pubSub()}, since the bus never delivers it after that.
 */
final class PubSubPushTarget implements BusTarget {

  /** How long one push may take before it counts as failed, as the subscription's acknowledgement deadline (60 s). */
  static final Duration ACK_DEADLINE = Duration.ofSeconds(60);

  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** One published message while it is unacknowledged. */
  private record Message(String id, String publishTime, long publishedNanos) {}

  private final HttpClient http;
  private final URI function;
  private final String subscription;
  private final long retentionNanos;
  private final Map<String, Message> unacknowledged = new ConcurrentHashMap<>();
  /** Pub/Sub message ids are decimal numbers of about 17 digits, increasing per topic. */
  private final AtomicLong nextMessageId = new AtomicLong(10_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(1L << 48));
  private final AtomicLong pushes = new AtomicLong();

  /**
   * @param http the client every push goes through
   * @param function the intent function's URL, such as {@code http://127.0.0.1:8081/}
   * @param project the Google Cloud project of the subscription
   * @param replicaId the replica, part of the subscription's name as Terraform gives it
   *     ({@code syncline-<replicaId>-intents-push})
   * @param retention how long Pub/Sub keeps an unacknowledged message
   */
  PubSubPushTarget(HttpClient http, URI function, String project, String replicaId, Duration retention) {
    this.http = http;
    this.function = function;
    this.subscription = "projects/" + project + "/subscriptions/syncline-" + replicaId + "-intents-push";
    this.retentionNanos = retention.toNanos();
  }

  @Override
  public int deliver(byte[] cloudEvent, int attempt) throws IOException {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1");
    }
    forgetExpired();
    String key = digest(cloudEvent);
    Message message = unacknowledged.computeIfAbsent(key, k -> publish());
    HttpRequest request = HttpRequest.newBuilder(function)
        .timeout(ACK_DEADLINE)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(pushBody(cloudEvent, message, attempt)))
        .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pushing to " + function, e);
    }
    if (status / 100 == 2) {
      unacknowledged.remove(key, message);
    }
    return status;
  }

  /** The push request's body, field for field as the Pub/Sub documentation shows it. */
  private byte[] pushBody(byte[] cloudEvent, Message message, int attempt) {
    ObjectNode body = Http.JSON.createObjectNode();
    ObjectNode m = body.putObject("message");
    m.put("data", Base64.getEncoder().encodeToString(cloudEvent));
    m.putObject("attributes").put("content-type", "application/cloudevents+json"); // as the publisher sets it
    m.put("messageId", message.id())
        .put("message_id", message.id())
        .put("publishTime", message.publishTime())
        .put("publish_time", message.publishTime());
    body.put("subscription", subscription);
    body.put("deliveryAttempt", attempt);
    try {
      return Http.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Message publish() {
    return new Message(Long.toString(nextMessageId.getAndIncrement()), RFC3339_MILLIS.format(Instant.now()), System.nanoTime());
  }

  /** Every 1024th push drops messages past their retention: the bus has dead-lettered them by then. */
  private void forgetExpired() {
    if ((pushes.incrementAndGet() & 1023) == 0) {
      long now = System.nanoTime();
      unacknowledged.values().removeIf(m -> now - m.publishedNanos() > retentionNanos);
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
