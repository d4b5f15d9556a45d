package dev.syncline.e2e;

import static dev.syncline.e2e.sandbox.Intents.add;
import static dev.syncline.e2e.sandbox.Intents.delete;
import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.remove;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.bus.LocalBus;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.report.Convergence;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DESIGN §8 scenarios on the three-cloud sandbox: real functions, emulators, buses and TLS proxies. */
class ScenariosIT {

  private static final Duration APPLY = Duration.ofSeconds(30);
  private static final Duration CONVERGE = Duration.ofMinutes(3);

  private final Sandbox sandbox = SharedSandbox.get();

  @AfterEach
  void heal() {
    sandbox.healAll();
  }

  @Test
  void concurrentEditsToDifferentFieldsBothSurviveEverywhere() throws IOException {
    Ref user = fresh("user");
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("aws", write(id(), user.toString(), ops(set("email", "ada@example.com"))), APPLY)),
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("gcp", write(id(), user.toString(), ops(set("phone", "+1-555-0100"))), APPLY)))
        .join();

    JsonNode view = converged(user);
    assertThat(view.path("fields").path("email").asText()).isEqualTo("ada@example.com");
    assertThat(view.path("fields").path("phone").asText()).isEqualTo("+1-555-0100");
    assertThat(view.has("conflicts")).isFalse();
  }

  @Test
  void sameFieldConflictHasOneWinnerEverywhereAndIsReported() throws IOException {
    Ref user = fresh("user");
    cut("azure", "gcp");
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("azure", write(id(), user.toString(), ops(set("nickname", "ada"))), APPLY)),
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("gcp", write(id(), user.toString(), ops(set("nickname", "countess"))), APPLY)))
        .join();
    sandbox.healAll();

    JsonNode view = converged(user); // byte-identical on the three clouds, so one winner everywhere
    assertThat(view.path("fields").path("nickname").asText()).isIn("ada", "countess");
    assertThat(texts(view.path("conflicts").path("nickname"))).containsExactlyInAnyOrder("ada", "countess");
  }

  @Test
  void counterIsExactUnderTenDuplicateDeliveries() throws IOException {
    Ref user = fresh("user");
    sandbox.faults("aws", "azure", LinkFaults.NONE.withDuplicate(1.0));
    sandbox.faults("aws", "gcp", LinkFaults.NONE.withDuplicate(1.0));
    byte[] event = write(id(), user.toString(), ops(incr("logins", 3)));
    for (int i = 0; i < 10; i++) {
      sandbox.publishAndAwait("aws", event, APPLY);
    }

    assertThat(converged(user).path("fields").path("logins").asLong()).isEqualTo(3);
    assertThat(sandbox.link("aws", "azure").stats().duplicated()).isPositive();
  }

  @Test
  void concurrentAddWinsOverRemoveAndAnObservedRemoveSticks() throws IOException {
    Ref user = fresh("user");
    sandbox.publishAndAwait("aws", write(id(), user.toString(), ops(add("tags", "x"), add("tags", "y"))), APPLY);
    converged(user);
    cut("aws", "gcp");
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("aws", write(id(), user.toString(), ops(remove("tags", "x"), remove("tags", "y"))), APPLY)),
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("gcp", write(id(), user.toString(), ops(add("tags", "x"))), APPLY)))
        .join();
    sandbox.healAll();

    assertThat(texts(converged(user).path("fields").path("tags"))).containsExactly("x");
  }

  @Test
  void deleteAgainstAConcurrentUpdateKeepsOnlyTheUpdate() throws IOException {
    Ref user = fresh("user");
    sandbox.publishAndAwait("azure", write(id(), user.toString(), ops(set("email", "old@example.com"), set("phone", "1"))), APPLY);
    converged(user);
    cut("azure", "aws");
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("azure", write(id(), user.toString(), ops(delete())), APPLY)),
        CompletableFuture.runAsync(() -> sandbox.publishAndAwait("aws", write(id(), user.toString(), ops(set("phone", "2"))), APPLY)))
        .join();
    sandbox.healAll();

    JsonNode view = converged(user);
    assertThat(view.path("exists").asBoolean()).isTrue();
    assertThat(view.path("fields").path("phone").asText()).isEqualTo("2");
    assertThat(view.path("fields").has("email")).isFalse();
  }

  @Test
  void oneCloudDownForSixtySecondsThenHealedLosesNothing() throws Exception {
    Ref page = fresh("page");
    sandbox.isolate("gcp");
    AtomicInteger published = new AtomicInteger();
    List<String> tags = new ArrayList<>();
    CountDownLatch sixtySeconds = new CountDownLatch(1);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try {
      ticker.scheduleAtFixedRate(() -> {
        int n = published.getAndIncrement();
        if (n == 120) {
          sixtySeconds.countDown();
          return;
        }
        if (n < 120) {
          String cloud = Sandbox.CLOUDS.get(n % 3);
          synchronized (tags) {
            tags.add("t" + n);
          }
          sandbox.publish(cloud, write(id(), page.toString(), ops(incr("visits", 1), add("tags", "t" + n))));
        }
      }, 0, 500, TimeUnit.MILLISECONDS);
      sixtySeconds.await();
    } finally {
      ticker.shutdownNow();
    }
    sandbox.healAll();

    JsonNode view = converged(page);
    assertThat(view.path("fields").path("visits").asLong()).isEqualTo(120);
    assertThat(texts(view.path("fields").path("tags"))).containsExactlyInAnyOrderElementsOf(tags);
  }

  @Test
  void aRecordOverTheCoreLimitIsRefusedBeforeItIsAcknowledged_onEveryCloudAlike() throws IOException {
    // GIVEN a 300 KiB value: Pub/Sub (10 MB) and Event Grid (1 MB) take such an event, EventBridge (256 KB) does not
    String big = "x".repeat(300 * 1024);
    Ref onGcp = fresh("doc");
    Ref onAzure = fresh("doc");
    String gcpIntent = id();
    String azureIntent = id();
    // WHEN it is published on Google Cloud and on Azure, and on AWS
    sandbox.publishAndAwait("gcp", write(gcpIntent, onGcp.toString(), ops(set("body", big))), APPLY);
    sandbox.publishAndAwait("azure", write(azureIntent, onAzure.toString(), ops(set("body", big))), APPLY);
    assertThatThrownBy(() -> sandbox.publish("aws", write(id(), fresh("doc").toString(), ops(set("body", big)))))
        .isInstanceOf(LocalBus.TooLarge.class);
    // THEN the functions refused each before acknowledging it: dead-lettered with the core's reason,
    // and no cloud holds the record
    for (String[] c : List.of(new String[] {"gcp", gcpIntent}, new String[] {"azure", azureIntent})) {
      assertThat(sandbox.deadLetters(c[0])).as(c[0]).anySatisfy(d -> {
        assertThat(d.eventId()).isEqualTo(c[1]);
        assertThat(d.kind()).isEqualTo("INTENT");
        assertThat(d.reason()).contains(Integer.toString(dev.syncline.core.Limits.MAX_RECORD_BYTES));
      });
    }
    for (String cloud : Sandbox.CLOUDS) {
      assertThat(sandbox.client(cloud).record("doc", onGcp.id()).statusCode()).isEqualTo(404);
      assertThat(sandbox.client(cloud).record("doc", onAzure.id()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aValueNearTheLimitReplicatesExactly_withDecimalsAndUnicode() throws IOException {
    // GIVEN a 100 KiB value of unicode text, and an exact decimal
    String text = "Grüße, 世界 🌍 ".repeat(5 * 1024);
    Ref doc = fresh("doc");
    // WHEN they are written on AWS
    sandbox.publishAndAwait("aws", new String(write(id(), doc.toString(), ops(set("body", text), set("price", "0"))),
        java.nio.charset.StandardCharsets.UTF_8).replace("\"price\",\"value\":\"0\"", "\"price\",\"value\":19.990000000000000000001")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8), APPLY);
    // THEN every cloud shows them byte for byte
    JsonNode view = converged(doc);
    assertThat(view.path("fields").path("body").asText()).isEqualTo(text);
    assertThat(Convergence.snapshot(sandbox, List.of(doc)).rows().get(0).view()).contains("\"price\":19.990000000000000000001");
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Waits until all three clouds return the same bytes for the record, and returns that view. */
  private JsonNode converged(Ref ref) throws IOException {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> sandbox.busesInFlight() == 0 && Convergence.snapshot(sandbox, List.of(ref)).converged());
    return Http.JSON.readTree(Convergence.snapshot(sandbox, List.of(ref)).rows().get(0).view());
  }

  private void cut(String a, String b) {
    sandbox.faults(a, b, LinkFaults.partitioned());
    sandbox.faults(b, a, LinkFaults.partitioned());
  }

  private static Ref fresh(String entity) {
    return new Ref(entity, UUID.randomUUID().toString().substring(0, 12));
  }

  private static String id() {
    return "it-" + UUID.randomUUID();
  }

  private static Set<String> texts(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
