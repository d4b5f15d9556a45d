package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@link Check#TRIGGERS}: every trigger retries and has somewhere to put what it gives up on,
 * and something alarms on that place.
 *
 * <p>A dead-letter destination is covered by an alarm (CloudWatch alarm, Azure Monitor alert,
 * Cloud Monitoring alert policy) that references it, or its trigger (Event Grid counts dead
 * letters per subscription), or a resource that references it (a subscription on a dead-letter
 * topic). The outbox's dead-letter table, named by {@code SYNCLINE_DEAD_LETTERS_TABLE}, is a
 * dead-letter destination too. Cloud Scheduler has no dead-letter destination; an alarm must
 * reference the job instead.
 */
final class TriggerCheck implements Validator.ModuleCheck {

  /** A trigger resource type: when a resource of it is a trigger, and where its policies are. */
  private record Kind(Predicate<JsonNode> isTrigger, String retry, String deadLetter) {}

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
  private static final Map<String, String> REJECTED = new LinkedHashMap<>();
  private static final Set<String> ALARMS = Set.of(
      "aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm",
      "azurerm_monitor_metric_alert", "azurerm_monitor_scheduled_query_rules_alert_v2",
      "azurerm_monitor_activity_log_alert", "google_monitoring_alert_policy");

  static {
    Predicate<JsonNode> always = b -> true;
    KINDS.put("aws_cloudwatch_event_target", new Kind(always, "retry_policy", "dead_letter_config.arn"));
    KINDS.put("aws_lambda_function_event_invoke_config",
        new Kind(always, "maximum_retry_attempts", "destination_config.on_failure.destination"));
    KINDS.put("aws_scheduler_schedule", new Kind(always, "target.retry_policy", "target.dead_letter_config.arn"));
    KINDS.put("azurerm_eventgrid_event_subscription", new Kind(always, "retry_policy", "storage_blob_dead_letter_destination"));
    KINDS.put("azurerm_eventgrid_system_topic_event_subscription",
        new Kind(always, "retry_policy", "storage_blob_dead_letter_destination"));
    KINDS.put("google_pubsub_subscription", new Kind(b -> b.has("push_config"), "retry_policy", "dead_letter_policy.dead_letter_topic"));
    KINDS.put("google_cloud_scheduler_job", new Kind(always, "retry_config", null));
    REJECTED.put("google_eventarc_trigger", "its Pub/Sub subscription cannot be given a dead-letter topic; push from a google_pubsub_subscription with a dead_letter_policy");
    REJECTED.put("aws_lambda_event_source_mapping", "not a trigger kind these checks know; add it to TriggerCheck with its retry and dead-letter settings");
    REJECTED.put("aws_pipes_pipe", "not a trigger kind these checks know; add it to TriggerCheck with its retry and dead-letter settings");
  }

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    List<TfModule.Block> alarms = new ArrayList<>();
    m.resources.values().stream().filter(b -> ALARMS.contains(TfModule.typeOf(b.address()))).forEach(alarms::add);

    for (TfModule.Block b : m.resources.values()) {
      if (b.address().startsWith("data.")) {
        continue;
      }
      String type = TfModule.typeOf(b.address());
      if (REJECTED.containsKey(type)) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b), REJECTED.get(type)));
      }
      if (type.startsWith("google_cloudfunctions") && b.body().has("event_trigger")) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b),
            "an event_trigger's Pub/Sub subscription cannot be given a dead-letter topic; push from a google_pubsub_subscription with a dead_letter_policy"));
      }
      Kind kind = KINDS.get(type);
      if (kind == null || !kind.isTrigger().test(b.body())) {
        continue;
      }
      if (absent(TfModule.at(b.body(), kind.retry()))) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b), "no retry policy (" + kind.retry() + ")"));
      }
      if (kind.deadLetter() == null) {
        if (!alarmed(m, alarms, Set.of(), b.address())) {
          findings.add(new Finding(Check.TRIGGERS, m.where(b),
              "it has no dead-letter destination, so an alarm must reference it (none does)"));
        }
        continue;
      }
      JsonNode deadLetter = TfModule.at(b.body(), kind.deadLetter());
      if (absent(deadLetter)) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b), "no dead-letter destination (" + kind.deadLetter() + ")"));
        continue;
      }
      destination(m, b, m.dependencies(b, deadLetter), alarms, b.address(), kind.deadLetter(), findings);
    }
    outboxDeadLetters(m, alarms, findings);
  }

  private static void outboxDeadLetters(TfModule m, List<TfModule.Block> alarms, List<Finding> findings) {
    List<TfModule.Block> functions = new ArrayList<>();
    List<JsonNode> environments = new ArrayList<>();
    for (TfModule.Block f : m.ofType("aws_lambda_function")) {
      functions.add(f);
      environments.add(m.mapValue(TfModule.at(f.body(), "environment").path("variables")));
    }
    for (TfModule.Block f : m.ofType("azurerm_linux_function_app")) {
      functions.add(f);
      environments.add(m.mapValue(f.body().path("app_settings")));
    }
    for (TfModule.Block f : m.ofType("google_cloudfunctions2_function")) {
      functions.add(f);
      environments.add(m.mapValue(TfModule.at(f.body(), "service_config").path("environment_variables")));
    }
    for (int i = 0; i < functions.size(); i++) {
      JsonNode table = environments.get(i) == null ? null : environments.get(i).get("SYNCLINE_DEAD_LETTERS_TABLE");
      if (table != null) {
        destination(m, functions.get(i), m.dependencies(table), alarms, null, "SYNCLINE_DEAD_LETTERS_TABLE", findings);
      }
    }
  }

  /** @param counting the trigger, when an alarm on it counts its dead letters (null for the outbox) */
  private static void destination(
      TfModule m, TfModule.Block trigger, Set<String> destination, List<TfModule.Block> alarms, String counting,
      String what, List<Finding> findings) {
    if (destination.isEmpty()) {
      findings.add(new Finding(Check.TRIGGERS, m.where(trigger),
          what + " names no resource of this module, so no alarm on it can be checked; create the destination here"));
    } else if (!alarmed(m, alarms, destination, counting)) {
      findings.add(new Finding(Check.TRIGGERS, m.where(trigger),
          "no alarm covers its dead-letter destination " + destination + " (" + what + ")"));
    }
  }

  private static boolean alarmed(TfModule m, List<TfModule.Block> alarms, Set<String> destination, String trigger) {
    for (TfModule.Block alarm : alarms) {
      for (String dep : m.dependencies(alarm.body())) {
        if (dep.equals(trigger) || destination.contains(dep)) {
          return true;
        }
        TfModule.Block via = m.resources.get(dep);
        if (via != null && m.dependencies(via.body()).stream().anyMatch(destination::contains)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() || (n.isArray() && n.isEmpty());
  }
}
