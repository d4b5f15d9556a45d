package dev.syncline.e2e.report;

import dev.syncline.e2e.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the three clouds agree: reads each record's view from every cloud's ingress and compares
 * the bytes (DESIGN §6: the same record gives the same JSON bytes everywhere).
 */
public final class Convergence {

  /** One record to compare, such as {@code user/42}. */
  public record Ref(String entity, String id) {
    public static Ref of(String subject) {
      int slash = subject.indexOf('/');
      return new Ref(subject.substring(0, slash), subject.substring(slash + 1));
    }

    @Override
    public String toString() {
      return entity + "/" + id;
    }
  }

  /** What each cloud answered for one record. */
  public record Row(Ref ref, Map<String, Integer> status, Map<String, String> body) {
    public boolean identical() {
      return status.values().stream().distinct().count() == 1 && body.values().stream().distinct().count() == 1
          && status.values().iterator().next() == 200;
    }

    /** The agreed view (valid when {@link #identical()}). */
    public String view() {
      return body.values().iterator().next();
    }

    public String sha256() {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(view().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A snapshot of several records. */
  public record Snapshot(List<Row> rows) {
    public boolean converged() {
      return rows.stream().allMatch(Row::identical);
    }

    public long divergent() {
      return rows.stream().filter(r -> !r.identical()).count();
    }
  }

  private Convergence() {}

  /** Reads every record from every cloud once. */
  public static Snapshot snapshot(Sandbox sandbox, List<Ref> refs) throws IOException {
    List<Row> rows = new java.util.ArrayList<>();
    for (Ref ref : refs) {
      Map<String, Integer> status = new LinkedHashMap<>();
      Map<String, String> body = new LinkedHashMap<>();
      for (Map.Entry<String, HttpResponse<String>> e : sandbox.views(ref.entity(), ref.id()).entrySet()) {
        status.put(e.getKey(), e.getValue().statusCode());
        body.put(e.getKey(), e.getValue().body());
      }
      rows.add(new Row(ref, status, body));
    }
    return new Snapshot(rows);
  }

  /**
   * Reads the records every {@code every} until all three clouds agree on each (and the buses are
   * idle) or {@code timeout} passes, printing progress every few seconds. This is a runner's wait
   * for an outcome, not a timing assertion.
   *
   * @return the last snapshot, converged or not
   */
  public static Snapshot await(Sandbox sandbox, List<Ref> refs, Duration timeout, PrintStream progress) throws IOException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long nextReport = start + Duration.ofSeconds(5).toNanos();
    while (true) {
      Snapshot s = snapshot(sandbox, refs);
      if (s.converged() && sandbox.busesInFlight() == 0) {
        return s;
      }
      long now = System.nanoTime();
      if (now >= deadline) {
        return s;
      }
      if (now >= nextReport) {
        progress.printf("[converge] %.0f s: %d of %d records still differ, %d intents on the buses%n",
            (now - start) / 1e9, s.divergent(), refs.size(), sandbox.busesInFlight());
        nextReport = now + Duration.ofSeconds(5).toNanos();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return s;
      }
    }
  }

  /** A table: one line per record with each cloud's status, the view's hash and whether they agree. */
  public static void print(Snapshot s, PrintStream out) {
    out.printf("%-24s %-6s %-6s %-6s %-18s %s%n", "record", "aws", "azure", "gcp", "view sha-256", "identical");
    for (Row r : s.rows()) {
      out.printf("%-24s %-6s %-6s %-6s %-18s %s%n", r.ref(), r.status().get("aws"), r.status().get("azure"),
          r.status().get("gcp"), r.identical() ? r.sha256() : "-", r.identical() ? "yes" : "NO");
    }
  }
}
