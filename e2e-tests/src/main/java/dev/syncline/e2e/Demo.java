package dev.syncline.e2e;

import static dev.syncline.e2e.sandbox.Intents.add;
import static dev.syncline.e2e.sandbox.Intents.incr;
import static dev.syncline.e2e.sandbox.Intents.ops;
import static dev.syncline.e2e.sandbox.Intents.set;
import static dev.syncline.e2e.sandbox.Intents.write;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncline.e2e.net.Http;
import dev.syncline.e2e.report.Convergence;
import dev.syncline.e2e.report.Convergence.Ref;
import dev.syncline.e2e.report.Convergence.Snapshot;
import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The README's first command: starts the three-cloud sandbox and runs the demo on it.
 * <ol>
 *   <li>email updated on AWS while phone is updated on Google Cloud: both survive everywhere;
 *   <li>the same field set on Azure and Google Cloud while they cannot see each other: a
 *       deterministic winner everywhere, the losing value reported as a conflict;
 *   <li>Azure cut off for 30 s while all three clouds keep taking writes, then healed.
 * </ol>
 * Then it prints a convergence report and exits non-zero if the clouds disagree or anything was
 * lost. With {@code -Dsandbox.stay=true} the sandbox stays up afterwards for manual use.
 */
public final class Demo {

  private static final Duration APPLY = Duration.ofSeconds(30);
  private static final Duration CONVERGE = Duration.ofMinutes(3);

  private final Sandbox sandbox;
  private final PrintStream out;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  Demo(Sandbox sandbox, PrintStream out) {
    this.sandbox = sandbox;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    boolean stay = Boolean.getBoolean("sandbox.stay");
    long seed = Long.getLong("sandbox.seed", 42L);
    out.println("Syncline sandbox: starting three clouds on emulators (logs in e2e-tests/target/sandbox/logs)");
    int status;
    try (Sandbox sandbox = Sandbox.start(seed, out)) {
      out.println("[sandbox] endpoints: " + sandbox.endpointsFile());
      status = new Demo(sandbox, out).run() ? 0 : 1;
      if (stay) {
        printManual(sandbox, out);
        new CountDownLatch(1).await(); // until Ctrl-C; the shutdown hooks stop every process
      }
    }
    System.exit(status);
  }

  boolean run() throws IOException {
    List<Ref> refs = new ArrayList<>();
    refs.add(emailAndPhone());
    refs.add(sameFieldConflict());
    Ref counter = cutOffAndHeal();
    refs.add(counter);

    out.println();
    out.println("== Convergence report");
    Snapshot s = Convergence.await(sandbox, refs, CONVERGE, out);
    Convergence.print(s, out);
    boolean ok = s.converged();
    if (ok) {
      JsonNode view = Http.JSON.readTree(s.rows().get(2).view());
      long visits = view.path("fields").path("visits").asLong();
      ok = visits == published.get();
      out.printf("%s/%s: visits = %d, intents published = %d: %s%n", counter.entity(), counter.id(), visits,
          published.get(), ok ? "exact" : "WRONG");
      for (Convergence.Row row : s.rows()) {
        out.printf("%s -> %s%n", row.ref(), row.view());
      }
    }
    out.println(ok ? "RESULT: converged, byte-identical views on AWS, Azure and Google Cloud, nothing lost"
        : "RESULT: the clouds did NOT converge (see the table above and e2e-tests/target/sandbox/logs)");
    return ok;
  }

  /** Scenario 1: concurrent edits to different fields of one record on two clouds. */
  private Ref emailAndPhone() throws IOException {
    Ref ref = new Ref("user", "42-" + run);
    out.println();
    out.println("== 1. email updated on AWS while phone is updated on Google Cloud, concurrently");
    CompletableFuture<Void> a = CompletableFuture.runAsync(() ->
        sandbox.publishAndAwait("aws", write(id(), ref.toString(), ops(set("email", "ada@example.com"))), APPLY));
    CompletableFuture<Void> g = CompletableFuture.runAsync(() ->
        sandbox.publishAndAwait("gcp", write(id(), ref.toString(), ops(set("phone", "+1-555-0100"))), APPLY));
    CompletableFuture.allOf(a, g).join();
    Snapshot s = Convergence.await(sandbox, List.of(ref), CONVERGE, out);
    out.println("   every cloud: " + s.rows().get(0).body().get("azure"));
    return ref;
  }

  /** Scenario 2: the same field written on two clouds that cannot see each other. */
  private Ref sameFieldConflict() throws IOException {
    Ref ref = new Ref("user", "7-" + run);
    out.println();
    out.println("== 2. nickname set on Azure and on Google Cloud while the link between them is down");
    sandbox.faults("azure", "gcp", dev.syncline.e2e.net.LinkFaults.partitioned());
    sandbox.faults("gcp", "azure", dev.syncline.e2e.net.LinkFaults.partitioned());
    CompletableFuture<Void> z = CompletableFuture.runAsync(() ->
        sandbox.publishAndAwait("azure", write(id(), ref.toString(), ops(set("nickname", "ada"))), APPLY));
    CompletableFuture<Void> g = CompletableFuture.runAsync(() ->
        sandbox.publishAndAwait("gcp", write(id(), ref.toString(), ops(set("nickname", "countess"))), APPLY));
    CompletableFuture.allOf(z, g).join();
    out.println("   applied on both sides; healing the link");
    sandbox.healAll();
    Snapshot s = Convergence.await(sandbox, List.of(ref), CONVERGE, out);
    for (Convergence.Row row : s.rows()) {
      for (String cloud : Sandbox.CLOUDS) {
        JsonNode v = Http.JSON.readTree(row.body().get(cloud));
        out.printf("   %-5s nickname = %s, conflicts = %s%n", cloud, v.path("fields").path("nickname"),
            v.path("conflicts").path("nickname"));
      }
    }
    return ref;
  }

  private final AtomicInteger published = new AtomicInteger();

  /** Scenario 3: Azure cut off for 30 s while every cloud keeps taking writes, then healed. */
  private Ref cutOffAndHeal() {
    Ref ref = new Ref("page", "home-" + run);
    out.println();
    out.println("== 3. Azure cut off from both peers for 30 s; each cloud counts a visit every second");
    sandbox.isolate("azure");
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger tick = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    ticker.scheduleAtFixedRate(() -> {
      int t = tick.incrementAndGet();
      for (String cloud : Sandbox.CLOUDS) {
        sandbox.publish(cloud, write(id(), ref.toString(), ops(incr("visits", 1), add("seenBy", cloud))));
        published.incrementAndGet();
      }
      if (t % 10 == 0) {
        out.printf("   %d s: %d visits published, %d on the buses%n", t, published.get(), sandbox.busesInFlight());
      }
      if (t == 30) {
        done.countDown();
      }
    }, 0, 1, TimeUnit.SECONDS);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ticker.shutdownNow();
    }
    out.println("   healing every link");
    sandbox.healAll();
    return ref;
  }

  private String id() {
    return "demo-" + run + "-" + UUID.randomUUID();
  }

  private static void printManual(Sandbox sandbox, PrintStream out) {
    String ingress = sandbox.client("aws").base().toString();
    out.println();
    out.println("The sandbox stays up (Ctrl-C stops it). Endpoints: " + sandbox.endpointsFile());
    out.println("Publish an intent on AWS's bus:");
    out.printf("  curl -s -X POST %s -H 'Content-Type: application/cloudevents+json' \\%n", sandbox.bus("aws").url());
    out.println("    -d '{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/me\",\"id\":\"'$(node -p 'crypto.randomUUID()')'\","
        + "\"subject\":\"user/1\",\"data\":{\"ops\":[{\"op\":\"set\",\"field\":\"email\",\"value\":\"me@example.com\"}]}}'");
    out.println("Cut the link from AWS to Google Cloud, then heal everything:");
    out.printf("  curl -s -X PUT %s/links/aws/gcp -d '{\"down\":true}'%n", sandbox.control());
    out.printf("  curl -s -X DELETE %s/links%n", sandbox.control());
    out.println("Read it on Google Cloud (the ingress needs a Standard Webhooks signature; this script signs):");
    out.println("  node e2e-tests/scripts/sandbox-curl.mjs GET gcp /records/user/1");
    out.printf("(the TLS endpoints, such as %s, use the CA in %s)%n", ingress, sandbox.ca().caCertificate());
  }
}
