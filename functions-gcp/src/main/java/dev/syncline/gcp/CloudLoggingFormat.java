package dev.syncline.gcp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.syncline.core.metrics.LogLineMetrics;
import dev.syncline.core.metrics.Signal;

/**
 * A signal as a structured log entry: Cloud Run functions send each JSON line on stdout to Cloud
 * Logging, which takes {@code severity} as the entry's severity and keeps the rest in {@code
 * jsonPayload}, where log-based metrics select it with {@code jsonPayload.syncline_metric} and
 * extract {@code jsonPayload.value}. {@code DeadLetters} and {@code ClockSkews} are WARNING, the
 * others INFO. One line, for example:
 *
 * <pre>{@code
 * {"severity":"WARNING","message":"syncline metric DeadLetters=1","syncline_metric":"DeadLetters",
 * "value":1,"replica_id":"gcp-us-east4"}
 * }</pre>
 */
public final class CloudLoggingFormat implements LogLineMetrics.LineFormat {

  @Override
  public String line(String replicaId, Signal signal, long value, long epochMillis) {
    return JsonNodeFactory.instance.objectNode()
        .put("severity", severity(signal))
        .put("message", "syncline metric " + signal.metricName() + "=" + value)
        .put("syncline_metric", signal.metricName())
        .put("value", value)
        .put("replica_id", replicaId)
        .toString();
  }

  /** WARNING for what needs an operator's look even once; INFO for the rest. */
  static String severity(Signal signal) {
    return signal == Signal.DEAD_LETTERS || signal == Signal.CLOCK_SKEWS ? "WARNING" : "INFO";
  }
}
