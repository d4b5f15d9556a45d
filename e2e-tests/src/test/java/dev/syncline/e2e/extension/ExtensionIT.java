package dev.syncline.e2e.extension;

import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.extension.SynclineExtension;
import dev.syncline.e2e.SharedSandbox;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * its conflict handler resolves the same way everywhere; then an extension that throws while it is
 * built fails the functions with an error that names it.
 *
 * <p>It runs a sandbox of its own, after closing the shared one, as the per-cloud ITs do (it sorts
 * among them, after every class that shares the sandbox).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionIT {

  private static final Duration APPLY = Duration.ofSeconds(30);
  private static final Duration CONVERGE = Duration.ofMinutes(2);

  private static Sandbox sandbox;

  @BeforeAll
  static void startWithTheExample() {
    SharedSandbox.close();
    sandbox = Sandbox.start(Long.getLong("sandbox.seed", 11L), System.out,
        Sandbox.Options.ALL.withExtension(Extension.example(Layout.detect())));
  }

  @AfterAll
  static void stop() {
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
