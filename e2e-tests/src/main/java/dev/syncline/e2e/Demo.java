package dev.syncline.e2e;

import dev.syncline.core.ApplyOutcome;
import dev.syncline.core.RecordKey;
import dev.syncline.core.crdt.Conflict;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The README's demo, until the three-cloud sandbox exists: three replicas in one process on the
 * core's in-memory adapters. It shows concurrent edits to different fields surviving, a same-field
 * conflict resolved the same way everywhere and reported, a duplicate delivery absorbed, and a
 * replica cut off, written to on all sides, and healed. Exits non-zero if anything diverges.
 */
public final class Demo {

  static final String AWS = "aws-us-east-1";
  static final String AZURE = "azure-eastus";
  static final String GCP = "gcp-us-east4";
  private static final RecordKey USER_42 = new RecordKey("user", "42");
  private static final RecordKey USER_7 = new RecordKey("user", "7");

  private final PrintStream out;
  private final LocalCluster cluster = new LocalCluster(1_764_158_400_000L, AWS, AZURE, GCP);
  private final AtomicInteger ids = new AtomicInteger();

  Demo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    boolean ok = new Demo(System.out).run();
    System.exit(ok ? 0 : 1);
  }

  /** Runs every step and prints the convergence summary. @return true if everything converged */
  boolean run() {
    out.println("Syncline in-process demo: three replicas on in-memory adapters");
    out.println("replicas: " + AWS + ", " + AZURE + ", " + GCP + "\n");

    step("1. Concurrent edits to different fields: email on AWS, phone on GCP");
    publish(AWS, "user/42", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"ada@example.com\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    publish(GCP, "user/42", "[{\"op\":\"set\",\"field\":\"phone\",\"value\":\"+1-202-555-0143\"}]");
    cluster.drainUntilSettled(5);
    showEverywhere(USER_42);

    step("2. Same-field conflict: AWS and Azure set user/7 email at once");
    publish(AWS, "user/7", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"grace@aws.example\"}]");
    publish(AZURE, "user/7", "[{\"op\":\"set\",\"field\":\"email\",\"value\":\"grace@azure.example\"}]");
    cluster.drainUntilSettled(5);
    showEverywhere(USER_7);
    for (Conflict c : cluster.replica(GCP).conflicts.conflicts()) {
      out.println("   conflict event at " + c.replica() + ": " + c.key() + " field " + c.field() + " values " + c.values());
    }

    step("3. Duplicate delivery: the bus delivers one intent three times");
    byte[] login = intent("login-123", "user/42", "[{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    for (int i = 1; i <= 3; i++) {
      ApplyOutcome o = cluster.publish(AWS, login);
      out.println("   delivery " + i + ": " + o.outcome());
    }
    cluster.drainUntilSettled(5);

    step("4. Partition: Azure is cut off for 30 s while all three clouds keep writing");
    cluster.cutOff(AZURE);
    publish(AWS, "user/42", "[{\"op\":\"add\",\"field\":\"tags\",\"value\":\"beta\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    publish(AZURE, "user/42", "[{\"op\":\"add\",\"field\":\"tags\",\"value\":\"vip\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    publish(GCP, "user/42", "[{\"op\":\"remove\",\"field\":\"tags\",\"value\":\"beta\"},{\"op\":\"incr\",\"field\":\"logins\",\"by\":1}]");
    out.println("   (GCP removed 'beta' before it saw AWS add it: the add is concurrent, so it wins)");
    int pending = 0;
    for (int second = 0; second < 30; second++) {
      cluster.advance(Duration.ofSeconds(1));
      pending = cluster.drainAll();
    }
    out.println("   after 30 s cut off: " + pending + " outbox entries still pending");
    out.println("   AWS   sees " + cluster.viewJson(AWS, USER_42));
    out.println("   Azure sees " + cluster.viewJson(AZURE, USER_42));
    cluster.heal();
    out.println("   healed; the scheduled drain retries with backoff");
    int left = cluster.drainUntilSettled(60);
    out.println("   pending after heal: " + left);
    showEverywhere(USER_42);

    return summary(left);
  }

  private boolean summary(int pending) {
    boolean converged = cluster.converged() && pending == 0;
    out.println("\n== Convergence summary ==");
    out.printf("%-16s %8s %10s %9s %8s %12s%n", "replica", "intents", "duplicates", "conflicts", "merged", "dead letters");
    for (LocalCluster.Replica r : cluster.replicas()) {
      out.printf("%-16s %8d %10d %9d %8d %12d%n", r.id, r.metrics.intentsApplied.get(), r.metrics.duplicates.get(),
          r.metrics.conflicts.get(), r.metrics.changesMerged.get(), r.deadLetters.letters().size());
    }
    for (RecordKey key : cluster.keys()) {
      boolean same = cluster.replicas().stream().map(r -> cluster.viewJson(r.id, key)).distinct().count() == 1;
      out.println((same ? "  identical  " : "  DIVERGED   ") + key + "  " + cluster.viewJson(AWS, key));
    }
    long logins = cluster.view(AWS, USER_42).fields().get("logins").toNode().asLong();
    out.println("  user/42 logins = " + logins + " (expected 5: every increment exactly once)");
    converged &= logins == 5;
    out.println(converged ? "\nRESULT: converged, nothing lost, counters exact" : "\nRESULT: NOT converged");
    return converged;
  }

  private void step(String title) {
    out.println("\n" + title);
  }

  private void publish(String replica, String subject, String ops) {
    String id = "demo-" + ids.incrementAndGet();
    ApplyOutcome o = cluster.publish(replica, intent(id, subject, ops));
    out.println("   " + replica + " <- " + subject + " " + ops + "  => " + o.outcome());
    cluster.advance(Duration.ofMillis(1));
  }

  private static byte[] intent(String id, String subject, String ops) {
    return ("{\"specversion\":\"1.0\",\"type\":\"dev.syncline.record.write.v1\",\"source\":\"/apps/demo\",\"id\":\""
            + id + "\",\"subject\":\"" + subject + "\",\"datacontenttype\":\"application/json\",\"data\":{\"ops\":" + ops + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void showEverywhere(RecordKey key) {
    for (String replica : List.of(AWS, AZURE, GCP)) {
      out.printf("   %-14s %s%n", replica, cluster.viewJson(replica, key));
    }
  }
}
