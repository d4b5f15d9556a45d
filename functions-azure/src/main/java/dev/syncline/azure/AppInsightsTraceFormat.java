package dev.syncline.azure;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.syncline.core.metrics.LogLineMetrics;
import dev.syncline.core.metrics.Signal;

/**
 * A signal as a trace line: the Functions host logs the worker's stdout, and Application Insights
 * keeps each line in {@code traces.message}, where alert queries find it by its prefix and parse
 * the rest ({@code parse_json(substring(message, 16))}). One line, for example:
 *
 * <pre>{@code
 * syncline-metric {"name":"DeadLetters","value":1,"unit":"Count","replicaId":"azure-eastus"}
 * }</pre>
 */
public final class AppInsightsTraceFormat implements LogLineMetrics.LineFormat {

  /** What every metric line starts with; 16 characters, the JSON follows. */
  public static final String PREFIX = "syncline-metric ";

  @Override
  public String line(String replicaId, Signal signal, long value, long epochMillis) {
    return PREFIX + JsonNodeFactory.instance.objectNode()
        .put("name", signal.metricName())
        .put("value", value)
        .put("unit", signal.unit())
        .put("replicaId", replicaId);
  }
}
