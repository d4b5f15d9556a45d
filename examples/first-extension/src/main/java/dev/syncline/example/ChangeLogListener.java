package dev.syncline.example;

import dev.syncline.core.crdt.JsonValue;
import dev.syncline.core.extension.ChangeListener;
import dev.syncline.core.extension.RecordChange;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * Writes one JSON line per change: the record, the fields that changed and the replica that wrote
 * them; never the values, which may be personal data. On every cloud a line on stdout is a log
 * entry (CloudWatch Logs, Application Insights, Cloud Logging, which reads it as a structured entry).
 *
 * <pre>{@code
 * {"message":"syncline change product/p-1","subject":"product/p-1","fields":["price"],"origin":"aws-us-east-1"}
 * }</pre>
 *
 * <p>Delivery is best effort and in process: it runs after the change is durable, on the thread
 * that made it, before the intent or change is acknowledged. So it is quick and never throws;
 * a listener that throws is logged and counted ({@code ListenerFailures}), and the change stands.
 */
public final class ChangeLogListener implements ChangeListener {

  private final Consumer<String> out;

  /** @param out where each line goes: {@code System.out::println} in the functions */
  public ChangeLogListener(Consumer<String> out) {
    this.out = out;
  }

  @Override
  public void onChange(RecordChange change) {
    String subject = change.key().subject();
    StringJoiner fields = new StringJoiner(",", "[", "]");
    change.changedFields().forEach(f -> fields.add(quote(f)));
    out.accept("{\"message\":" + quote("syncline change " + subject)
        + ",\"subject\":" + quote(subject)
        + ",\"fields\":" + fields
        + ",\"origin\":" + quote(change.origin()) + "}");
  }

  private static String quote(String s) {
    return JsonValue.ofString(s).json();
  }
}
