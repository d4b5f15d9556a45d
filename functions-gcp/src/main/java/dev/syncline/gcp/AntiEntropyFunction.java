package dev.syncline.gcp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.syncline.core.Replica;
import dev.syncline.core.json.Json;
import dev.syncline.core.repair.AntiEntropy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The scheduled anti-entropy round: Cloud Scheduler calls it every minute (an authenticated HTTP
 * target, like the drain). It compares this period's window of buckets with every peer and
 * repairs what differs (docs/anti-entropy.md in shared-core). It answers a one-line JSON summary
 * of the round ({@code exchanges}, {@code unreachable}, {@code bucketsDiffering}, {@code
 * keysDiffering}, {@code pulled}, {@code pushed}, {@code failed}, {@code bytesSent}, {@code
 * bytesReceived}) and logs the same summary on stdout as one structured Cloud Logging entry,
 * WARNING when a peer was unreachable or a repair failed, else INFO. The core logs the {@code
 * AntiEntropyExchanges} and {@code Repaired} metric lines.
 */
public final class AntiEntropyFunction implements HttpFunction {

  private final Replica replica;
  private final Consumer<String> log;

  public AntiEntropyFunction() {
    this(null);
  }

  AntiEntropyFunction(Replica replica) {
    this(replica, line -> System.out.println(line));
  }

  AntiEntropyFunction(Replica replica, Consumer<String> log) {
    this.replica = replica;
    this.log = log;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    AntiEntropy.Report r = (replica != null ? replica : GcpReplica.shared()).antiEntropy.round();
    String summary = summary(r).toString();
    log.accept(logEntry(r, summary));
    response.setContentType("application/json");
    response.getOutputStream().write(summary.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode summary(AntiEntropy.Report r) {
    return (ObjectNode) Json.parse(r.toJson(), "anti-entropy summary");
  }

  /** The summary as a Cloud Logging structured entry: severity, message, and the summary's fields. */
  static String logEntry(AntiEntropy.Report r, String summary) {
    ObjectNode entry = JsonNodeFactory.instance.objectNode()
        .put("severity", r.unreachable().isEmpty() && r.failed() == 0 ? "INFO" : "WARNING")
        .put("message", "syncline anti-entropy round " + summary);
    entry.set("syncline_anti_entropy", summary(r));
    return entry.toString();
  }
}
