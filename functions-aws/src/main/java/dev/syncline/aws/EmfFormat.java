package dev.syncline.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.syncline.core.metrics.LogLineMetrics;
import dev.syncline.core.metrics.Signal;

/**
 * A signal as a CloudWatch Embedded Metric Format document: Lambda sends stdout to CloudWatch
 * Logs, which extracts the metric into namespace {@value #NAMESPACE} with dimension {@code
 * ReplicaId}. One line, for example:
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":1764158400000,"CloudWatchMetrics":[{"Namespace":"Syncline",
 * "Dimensions":[["ReplicaId"]],"Metrics":[{"Name":"DeadLetters","Unit":"Count"}]}]},
 * "ReplicaId":"aws-us-east-1","DeadLetters":1}
 * }</pre>
 */
public final class EmfFormat implements LogLineMetrics.LineFormat {

  /** The CloudWatch namespace of every Syncline metric. */
  public static final String NAMESPACE = "Syncline";

  @Override
  public String line(String replicaId, Signal signal, long value, long epochMillis) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", epochMillis);
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    directive.putArray("Dimensions").addArray().add("ReplicaId");
    directive.putArray("Metrics").addObject().put("Name", signal.metricName()).put("Unit", signal.unit());
    root.put("ReplicaId", replicaId);
    root.put(signal.metricName(), value);
    return root.toString();
  }
}
