package dev.syncline.e2e.extension;

import static dev.syncline.e2e.sandbox.Intents.add;
import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.event.FeedEvents;
import dev.syncline.core.extension.SynclineExtension;
import dev.syncline.e2e.SharedSandbox;
import dev.syncline.e2e.feed.FeedReceiver;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.net.LinkFaults;
import dev.syncline.e2e.report.Convergence;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.sandbox.Emulators;
import dev.syncline.e2e.sandbox.Extension;
import dev.syncline.e2e.sandbox.Layout;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The worked example, {@code examples/first-extension}, deployed on all three clouds as DevOps
 * ships it (a Lambda layer on AWS, {@code lib/} of the Azure app package and of the GCP deploy
 * folder), with the stock functions, handler strings and entry points: its schema is enforced and
 * its conflict handler resolves the same way everywhere; every cloud's change feed reaches a
 * subscriber written with the Standard Webhooks and CloudEvents SDKs for JavaScript ({@link
 * FeedReceiver}), through links that drop a fifth of requests; then an extension that throws while
 * it is built fails the functions with an error that names it.
 *
 * <p>It runs a sandbox of its own, after closing the shared one, as the per-cloud ITs do (it sorts
 * among them, after every class that shares the sandbox).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionIT {

  private static final Duration APPLY = Duration.ofSeconds(30);
  private static final Duration CONVERGE = Duration.ofMinutes(2);

  /** The id of the event {@link #postForged} signs with a key that is not the subscriber's. */
  private static final String FORGED_ID = "aws-us-east-1:product/forged@1";

  /** The change-feed subscriber every cloud feeds. */
  private static final String SUBSCRIBER = "shop-feed";

  private static Sandbox sandbox;
  private static FeedReceiver receiver;

  @BeforeAll
  static void startWithTheExample() {
    SharedSandbox.close();
    sandbox = Sandbox.start(Long.getLong("sandbox.seed", 11L), System.out,
        Sandbox.Options.ALL.withExtension(Extension.example(Layout.detect())).withSubscriber(SUBSCRIBER));
    receiver = FeedReceiver.start(Path.of(System.getProperty("syncline.outsideClient.dir", "scripts/outside-client")),
        sandbox.subscriberSecret(SUBSCRIBER), System.out);
    sandbox.subscribe(SUBSCRIBER, receiver.url());
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  @Order(1)
  void anOpThatBreaksTheExtensionsSchemaIsDeadLettered_onEveryCloud() throws IOException {
    // GIVEN the product schema: name is a register, and colour is no field of a product
    Ref product = fresh();
    List<String[]> sent = new ArrayList<>();
    // WHEN each cloud's bus takes an increment of the name and a write of an undeclared field
    for (String cloud : Sandbox.CLOUDS) {
      String wrongType = "it-" + UUID.randomUUID();
      String undeclared = "it-" + UUID.randomUUID();
      sandbox.publishAndAwait(cloud, write(wrongType, product.toString(), ops(incr("name", 1))), APPLY);
      sandbox.publishAndAwait(cloud, write(undeclared, product.toString(), ops(set("colour", "red"))), APPLY);
      sent.add(new String[] {cloud, wrongType, undeclared});
    }
    // THEN each was refused before it was acknowledged: its cloud's dead-letter table holds it,
    // with the reason naming the field, and no cloud holds the record
    for (String[] s : sent) {
      assertThat(intentLetter(s[0], s[1]).reason()).as(s[0]).contains("name");
      assertThat(intentLetter(s[0], s[2]).reason()).as(s[0]).contains("colour");
    }
    for (String cloud : Sandbox.CLOUDS) {
      assertThat(sandbox.client(cloud).record(product.entity(), product.id()).statusCode()).as(cloud).isEqualTo(404);
    }
  }

  @Test
  @Order(2)
  void aSameFieldConflictIsResolvedByTheExtensionsHandler_identicallyOnEveryCloud() throws IOException {
    // GIVEN a product every cloud holds, and then no link between any two clouds
    Instant started = Instant.now().minusSeconds(1);
    Ref product = fresh();
    sandbox.publishAndAwait("azure", write(id(), product.toString(), ops(set("name", "Mug"), price("11"))), APPLY);
    converged(product);
    for (String from : Sandbox.CLOUDS) {
      for (String to : Sandbox.CLOUDS) {
        if (!from.equals(to)) {
          sandbox.faults(from, to, LinkFaults.partitioned());
        }
      }
    }
    // WHEN Google Cloud lowers the price, and AWS then raises it (the later write, which the view
    // would show first without a handler), and the links heal
    sandbox.publishAndAwait("gcp", write(id(), product.toString(), ops(price("9.50"))), APPLY);
    sandbox.publishAndAwait("aws", write(id(), product.toString(), ops(price("12"))), APPLY);
    sandbox.healAll();

    // THEN every cloud shows the same bytes: the lowest price, and no conflict left
    JsonNode view = converged(product);
    assertThat(view.has("conflicts")).as(view.toString()).isFalse();
    assertThat(view.path("fields").path("price").decimalValue()).isEqualByComparingTo("9.50");
    assertThat(view.path("fields").path("name").asText()).isEqualTo("Mug");
    // AND the extension's listener logged the record's changes on every cloud
    for (String cloud : Sandbox.CLOUDS) {
      assertThat(logs(cloud, started)).as(cloud + "'s function logs").contains("\"subject\":\"" + product + "\"");
    }
  }

  @Test
  @Order(3)
  void aSubscriberVerifiesAndReceivesEveryRecordsFinalView_andEveryConflict_fromEveryCloud_whileItsLinksDropAFifth()
      throws IOException, InterruptedException {
    // GIVEN every cloud's link to the receiver drops a fifth of requests (half of them before the
    // receiver sees them, half after it has answered)
    for (String cloud : Sandbox.CLOUDS) {
      sandbox.faults(cloud, SUBSCRIBER, LinkFaults.NONE.withDrop(0.2));
    }
    // WHEN each cloud adds its own tag to, and counts one into the stock of, each of six products
    List<Ref> products = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      products.add(fresh());
    }
    for (Ref product : products) {
      for (String cloud : Sandbox.CLOUDS) {
        sandbox.publishAndAwait(cloud, write(id(), product.toString(), ops(add("tags", cloud), incr("stock", 1))), APPLY);
      }
    }
    // AND, while no cloud reaches another, AWS and Azure name three more products differently (a
    // conflict the example leaves alone: it resolves prices only), and then the links heal
    List<Ref> disputed = List.of(fresh(), fresh(), fresh());
    setBetweenClouds(LinkFaults.partitioned());
    for (Ref product : disputed) {
      sandbox.publishAndAwait("aws", write(id(), product.toString(), ops(set("name", "aws-" + product.id()))), APPLY);
      sandbox.publishAndAwait("azure", write(id(), product.toString(), ops(set("name", "azure-" + product.id()))), APPLY);
    }
    setBetweenClouds(LinkFaults.NONE);

    // THEN, once the clouds agree, every cloud's feed ends, for every record, with the view every
    // cloud serves ...
    Map<Ref, JsonNode> finals = new java.util.LinkedHashMap<>();
    for (Ref product : concat(products, disputed)) {
      finals.put(product, converged(product));
    }
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (String cloud : Sandbox.CLOUDS) {
        for (Map.Entry<Ref, JsonNode> f : finals.entrySet()) {
          assertThat(lastView(Sandbox.REPLICAS.get(cloud), f.getKey()))
              .as(cloud + "'s last feed event for " + f.getKey()).isEqualTo(f.getValue());
        }
      }
    });
    // ... and that view holds what the buses acknowledged: every cloud's tag and its one count
    for (Ref product : products) {
      JsonNode fields = finals.get(product).path("fields");
      assertThat(fields.path("stock").asLong()).as(product + " stock").isEqualTo(3);
      List<String> tags = new ArrayList<>();
      fields.path("tags").forEach(t -> tags.add(t.asText()));
      assertThat(tags).as(product + " tags").containsExactlyInAnyOrderElementsOf(Sandbox.CLOUDS);
    }
    // AND each disputed name is still a conflict in the final view, with both names, and every
    // cloud sent a conflict event for it, with both names
    for (Ref product : disputed) {
      List<String> names = new ArrayList<>();
      finals.get(product).path("conflicts").path("name").forEach(v -> names.add(v.asText()));
      assertThat(names).as(product + "'s final view").containsExactlyInAnyOrder("aws-" + product.id(), "azure-" + product.id());
    }
    for (String cloud : Sandbox.CLOUDS) {
      for (Ref product : disputed) {
        List<Set<String>> conflicts = receiver.received().stream()
            .filter(r -> r.type().equals("dev.syncline.record.conflict.v1"))
            .filter(r -> r.replica().equals(Sandbox.REPLICAS.get(cloud)) && r.subject().equals(product.toString()))
            .filter(r -> r.data().path("field").asText().equals("name"))
            .map(r -> {
              Set<String> values = new java.util.TreeSet<>();
              r.data().path("values").forEach(v -> values.add(v.asText()));
              return values;
            })
            .toList();
        assertThat(conflicts).as(cloud + "'s conflict events for " + product)
            .isNotEmpty()
            .allMatch(v -> v.equals(Set.of("aws-" + product.id(), "azure-" + product.id())));
      }
    }
    // AND the links did drop deliveries, which the clouds sent again; the receiver refused nothing
    // the clouds sent, and every cloud made the webhook handshake
    long dropped = Sandbox.CLOUDS.stream().mapToLong(c -> sandbox.link(c, SUBSCRIBER).stats().dropped()).sum();
    assertThat(dropped).as("deliveries the links to the receiver dropped").isPositive();
    assertThat(receiver.rejected()).as("requests the receiver refused").isEmpty();
    assertThat(receiver.handshakes()).containsAll(Sandbox.REPLICAS.values());

    // AND every copy of one event (a delivery sent again) carries the same data, so a subscriber
    // may drop what it has seen by webhook-id, as change-feed.md tells it to
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    for (FeedReceiver.Received r : receiver.received()) {
      JsonNode first = byId.putIfAbsent(r.id(), r.data());
      if (first != null) {
        assertThat(r.data()).as("a second copy of " + r.id()).isEqualTo(first);
      }
    }

    // AND the receiver does check signatures: an event shaped as the clouds send it, signed with
    // another key, is refused through the same TLS link, and never recorded
    sandbox.faults("aws", SUBSCRIBER, LinkFaults.NONE);
    HttpResponse<String> forged = postForged(sandbox.link("aws", SUBSCRIBER).url());
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.rejected().stream().anyMatch(r -> r.contains(FORGED_ID)));
    assertThat(receiver.received()).noneMatch(r -> r.id().equals(FORGED_ID));
    for (String cloud : Sandbox.CLOUDS) {
      sandbox.faults(cloud, SUBSCRIBER, LinkFaults.NONE);
    }
    System.out.printf("[extension-it] feed: %d events received, %d deliveries dropped by the links%n",
        receiver.received().size(), dropped);
  }

  @Test
  @Order(4)
  void anExtensionThatThrowsWhileItIsBuiltFailsTheFunctions_withAnErrorNamingIt() throws IOException {
    // GIVEN a jar whose extension throws in its constructor
    Extension throwing = Extension.of(throwingJar());
    Instant redeployed = Instant.now().minusSeconds(1);
    // WHEN every cloud is redeployed with it in place of the example
    assertThatThrownBy(() -> sandbox.redeploy(Optional.of(throwing), System.out))
        // THEN the functions do not serve (the sandbox's warm-up fails) ...
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("warming up");
    // ... and on every cloud the function's log says which extension, from which jar (where the
    // cloud's deployment put it), and why
    Map<String, String> jars = Map.of(
        "aws", "file:/opt/java/lib/throwing-extension.jar",
        "azure", "/lib/throwing-extension.jar",
        "gcp", "/lib/" + Extension.GCP_LIB_NAME);
    for (String cloud : Sandbox.CLOUDS) {
      assertThat(logs(cloud, redeployed)).as(cloud + "'s function logs").contains(
          "extension " + ThrowingExtension.class.getName() + " (",
          jars.get(cloud) + ") failed to start: IllegalStateException: " + ThrowingExtension.MESSAGE);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The data of the last updated event (by the record's version at that replica) {@code replica} sent for {@code ref}. */
  private static JsonNode lastView(String replica, Ref ref) {
    return receiver.received().stream()
        .filter(r -> r.type().equals(FeedEvents.UPDATED_TYPE))
        .filter(r -> r.replica().equals(replica) && ref.toString().equals(r.subject()))
        .max(java.util.Comparator.comparingLong(FeedReceiver.Received::sequence))
        .map(FeedReceiver.Received::data)
        .orElse(null);
  }

  /** Sets the faults of all six links between clouds, leaving the links to the subscriber alone. */
  private static void setBetweenClouds(LinkFaults faults) {
    for (String from : Sandbox.CLOUDS) {
      for (String to : Sandbox.CLOUDS) {
        if (!from.equals(to)) {
          sandbox.faults(from, to, faults);
        }
      }
    }
  }

  /** An updated event shaped as the clouds send it, signed with a key that is not the subscriber's. */
  private static HttpResponse<String> postForged(java.net.URI link) throws IOException, InterruptedException {
    String id = FORGED_ID;
    byte[] body = Http.JSON.writeValueAsBytes(Http.JSON.createObjectNode()
        .put("specversion", "1.0").put("id", id).put("type", FeedEvents.UPDATED_TYPE)
        .put("source", "/syncline/replicas/aws-us-east-1").put("subject", "product/forged")
        .put("datacontenttype", "application/json")
        .set("data", Http.JSON.createObjectNode().putObject("fields").put("price", new BigDecimal("0.01"))));
    long now = Instant.now().getEpochSecond();
    String signature = dev.syncline.core.http.WebhookSignature.sign(otherKey(), id, now, body);
    HttpRequest request = HttpRequest.newBuilder(link.resolve(Sandbox.FEED_PATH))
        .header("Content-Type", "application/cloudevents+json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(now))
        .header("webhook-signature", signature)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return HttpClient.newBuilder().sslContext(sandbox.ca().clientContext()).build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String otherKey() {
    return "whsec_" + java.util.Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * The dead letter of intent {@code eventId} in {@code cloud}'s own dead-letter table, as its
   * function wrote it. (Read from the table, as ScenariosIT does, rather than with
   * {@code GET /admin/dead-letters}: on Azure the Functions host keeps {@code /admin/} for its own
   * API, so that route never reaches the ingress function.)
   */
  private static Emulators.StoredDeadLetter intentLetter(String cloud, String eventId) {
    return sandbox.deadLetters(cloud).stream()
        .filter(d -> d.kind().equals("INTENT") && eventId.equals(d.eventId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(cloud + " has no dead letter for intent " + eventId));
  }

  /** Waits until all three clouds return the same bytes for the record, and returns the view. */
  private static JsonNode converged(Ref ref) throws IOException {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> sandbox.busesInFlight() == 0 && Convergence.snapshot(sandbox, List.of(ref)).converged());
    return Http.JSON.readTree(Convergence.snapshot(sandbox, List.of(ref)).rows().get(0).view());
  }

  /**
   * What {@code cloud}'s function processes have logged in the files written since {@code since}
   * (a process truncates its file when it starts; files of earlier sandboxes stay in the folder).
   */
  private static String logs(String cloud, Instant since) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(sandbox.layout().logs())) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(cloud + "-")).sorted().toList()) {
        if (!Files.getLastModifiedTime(f).toInstant().isBefore(since)) {
          all.append(Files.readString(f, StandardCharsets.ISO_8859_1)).append('\n');
        }
      }
    }
    return all.toString();
  }

  /** A jar of {@link ThrowingExtension} and a service file naming it, as an extension's build makes one. */
  private static Path throwingJar() throws IOException {
    Path dir = Files.createDirectories(sandbox.layout().work().resolve("extension-it"));
    Path jar = dir.resolve("throwing-extension.jar");
    String classFile = ThrowingExtension.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        InputStream bytes = ThrowingExtension.class.getClassLoader().getResourceAsStream(classFile)) {
      out.putNextEntry(new JarEntry(classFile));
      bytes.transferTo(out);
      out.putNextEntry(new JarEntry("META-INF/services/" + SynclineExtension.class.getName()));
      out.write((ThrowingExtension.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private static ObjectNode price(String decimal) {
    return Http.JSON.createObjectNode().put("op", "set").put("field", "price").put("value", new BigDecimal(decimal));
  }

  private static Ref fresh() {
    return new Ref("product", "p-" + UUID.randomUUID().toString().substring(0, 12));
  }

  private static String id() {
    return "it-" + UUID.randomUUID();
  }
}
