package dev.syncline.e2e.feed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.net.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A change-feed subscriber written as an application writes one, with none of Syncline's code:
 * {@code scripts/outside-client/feed-receiver.mjs} on Node, which answers the CloudEvents webhook
 * handshake, verifies each delivery with the Standard Webhooks SDK, reads it with the CloudEvents
 * SDK and keeps decimals exact with lossless-json. This class starts it and collects what it
 * prints: each event it accepted, each request it refused, each handshake.
 *
 * <p>It listens on plain HTTP on loopback; the sandbox puts its TLS fault proxies in front
 * ({@code Sandbox.Options#withSubscriber}), as it does for the functions' ingress.
 */
public final class FeedReceiver implements AutoCloseable {

  /**
   * One event the receiver verified and accepted.
   *
   * @param id the CloudEvent id ({@code {replicaId}:{entity}/{id}@{n}} for an updated event)
   * @param type {@code dev.syncline.record.updated.v1} or {@code dev.syncline.record.conflict.v1}
   * @param source {@code /syncline/replicas/{replicaId}}
   * @param subject {@code {entity}/{id}}
   * @param data the event's data, decimals exact
   * @param receivedNanos {@link System#nanoTime()} when this JVM read the receiver's line
   */
  public record Received(String id, String type, String source, String subject, JsonNode data, long receivedNanos) {

    /** The replica that sent it, from {@code source}. */
    public String replica() {
      return source.substring(source.lastIndexOf('/') + 1);
    }

    /** The record's version at the sending replica: the number after {@code @} in an updated event's id. */
    public long sequence() {
      return Long.parseLong(id.substring(id.lastIndexOf('@') + 1));
    }
  }

  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();
  private final List<String> handshakes = new CopyOnWriteArrayList<>();
  private final PrintStream log;

  private FeedReceiver(Process process, PrintStream log) {
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::read, "feed-receiver-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the receiver with the subscriber's signing secret and waits until it listens.
   *
   * @param scripts {@code e2e-tests/scripts/outside-client}, with its {@code node_modules} installed
   *     (the e2e build runs {@code npm ci} there)
   * @param log where the receiver's handshakes, refusals and errors are printed (not each event)
   */
  public static FeedReceiver start(Path scripts, String secret, PrintStream log) {
    ProcessBuilder pb = new ProcessBuilder("node", "feed-receiver.mjs")
        .directory(scripts.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("FEED_SECRET", secret);
    FeedReceiver receiver;
    try {
      receiver = new FeedReceiver(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start node feed-receiver.mjs in " + scripts, e);
    }
    try {
      receiver.port.get(30, TimeUnit.SECONDS);
      return receiver;
    } catch (ExecutionException | TimeoutException e) {
      receiver.close();
      throw new IllegalStateException("feed-receiver.mjs did not start listening within 30 s "
          + "(is node on the PATH, and npm ci done in " + scripts + "?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      receiver.close();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Where it listens: {@code http://127.0.0.1:<port>}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port.join());
  }

  /** Every event it accepted, duplicates included, in the order it printed them. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Every request it refused (bad signature or not a CloudEvent), with why. */
  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** The origins that made the webhook handshake. */
  public List<String> handshakes() {
    return List.copyOf(handshakes);
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        long now = System.nanoTime();
        JsonNode n;
        try {
          n = Http.JSON.readTree(line);
        } catch (IOException notJson) {
          log.println("[feed-receiver] " + line);
          continue;
        }
        if (n.has("listening")) {
          port.complete(n.get("listening").asInt());
        } else if (n.has("received")) {
          JsonNode e = n.get("received");
          received.add(new Received(e.path("id").asText(), e.path("type").asText(), e.path("source").asText(),
              e.path("subject").asText(null), n.get("data"), now));
        } else if (n.has("rejected")) {
          rejected.add(n.get("rejected").asText() + " (webhook-id " + n.path("webhookId").asText() + ")");
          log.println("[feed-receiver] refused: " + line);
        } else if (n.has("handshake")) {
          handshakes.add(n.get("handshake").asText());
          log.println("[feed-receiver] handshake from " + n.get("handshake").asText());
        } else {
          log.println("[feed-receiver] " + line);
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      port.completeExceptionally(new IllegalStateException("feed-receiver.mjs exited"));
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
