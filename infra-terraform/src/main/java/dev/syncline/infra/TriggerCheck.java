package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@link Check#TRIGGERS}: every trigger retries and has somewhere to put what it gives up on,
 * and an alarm watches that place.
 *
 * <p>An alarm watches what its metric-selecting attributes reference (CloudWatch namespace,
 * metric and dimensions; Azure Monitor scopes and criteria; Cloud Monitoring conditions), not its
 * description: directly, or through a log-based metric or a subscription on a dead-letter topic.
 * A trigger's dead-letter destination is covered when an alarm watches it or the trigger itself
 * (Event Grid counts dead letters per subscription). The outbox's dead-letter table, named by
 * {@code SYNCLINE_DEAD_LETTERS_TABLE}, is counted by the functions' {@code DeadLetters} metric, so
 * an alarm must select that metric. Cloud Scheduler has no dead-letter destination; an alarm must
 * watch the job instead. EventBridge invokes Lambda asynchronously, so each Lambda an EventBridge
 * rule targets needs its own async retry and failure destination as well.
 */
final class TriggerCheck implements Validator.ModuleCheck {

  /**
   * A trigger resource type: when a resource of it is a trigger, where its retry policy is, the
   * number in it that must be at least {@code minimum} when written as a literal, and where its
   * dead-letter destination is (null: it cannot have one).
   */
  private record Kind(Predicate<JsonNode> isTrigger, String retry, String count, int minimum, String deadLetter) {}

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
  private static final Map<String, String> REJECTED = new LinkedHashMap<>();
  /** Alarm types, with the attributes that choose what they watch. */
  private static final Map<String, List<String>> ALARMS = Map.of(
      "aws_cloudwatch_metric_alarm", List.of("namespace", "metric_name", "dimensions", "metric_query"),
      "azurerm_monitor_metric_alert", List.of("scopes", "criteria", "dynamic_criteria"),
      "azurerm_monitor_scheduled_query_rules_alert_v2", List.of("scopes", "criteria"),
      "azurerm_monitor_activity_log_alert", List.of("scopes", "criteria"),
      "google_monitoring_alert_policy", List.of("conditions"));
  /** What an alarm may watch a destination through: the metric or the subscription it selects. */
  private static final Set<String> WATCHED_THROUGH = Set.of("google_logging_metric", "google_pubsub_subscription");
  private static final Set<String> LAMBDA_PRINCIPALS = Set.of("events.amazonaws.com", "*");

  static {
    Predicate<JsonNode> always = b -> true;
    KINDS.put("aws_cloudwatch_event_target",
        new Kind(always, "retry_policy", "retry_policy.maximum_retry_attempts", 1, "dead_letter_config.arn"));
    KINDS.put("aws_lambda_function_event_invoke_config",
        new Kind(always, "maximum_retry_attempts", "maximum_retry_attempts", 1, "destination_config.on_failure.destination"));
    KINDS.put("aws_scheduler_schedule",
        new Kind(always, "target.retry_policy", "target.retry_policy.maximum_retry_attempts", 1, "target.dead_letter_config.arn"));
    Kind eventGrid = new Kind(always, "retry_policy", "retry_policy.max_delivery_attempts", 2, "storage_blob_dead_letter_destination");
    KINDS.put("azurerm_eventgrid_event_subscription", eventGrid);
    KINDS.put("azurerm_eventgrid_system_topic_event_subscription", eventGrid);
    KINDS.put("google_pubsub_subscription", new Kind(b -> b.has("push_config"),
        "retry_policy", "dead_letter_policy.max_delivery_attempts", 2, "dead_letter_policy.dead_letter_topic"));
    KINDS.put("google_cloud_scheduler_job", new Kind(always, "retry_config", "retry_config.retry_count", 1, null));
    String unknown = "not a trigger kind these checks know; add it to TriggerCheck with its retry and dead-letter settings";
    String eventarc = "its Pub/Sub subscription cannot be given a dead-letter topic; push from a google_pubsub_subscription with a dead_letter_policy";
    REJECTED.put("google_eventarc_trigger", eventarc);
    REJECTED.put("aws_lambda_event_source_mapping", unknown);
    REJECTED.put("aws_pipes_pipe", unknown);
    REJECTED.put("aws_s3_bucket_notification", unknown);
    REJECTED.put("google_storage_notification", unknown);
  }

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    List<Watch> alarms = new ArrayList<>();
    for (TfModule.Block b : m.resources.values()) {
      List<String> selectors = ALARMS.get(TfModule.typeOf(b.address()));
      if (selectors != null && !b.address().startsWith("data.")) {
        alarms.add(watch(m, b, selectors));
      }
    }
    for (TfModule.Block b : m.resources.values()) {
      if (b.address().startsWith("data.")) {
        continue;
      }
      String type = TfModule.typeOf(b.address());
      refused(m, b, type, findings);
      Kind kind = KINDS.get(type);
      if (kind == null || !kind.isTrigger().test(b.body())) {
        continue;
      }
      retries(m, b, kind, findings);
      if (kind.deadLetter() == null) {
        if (alarms.stream().noneMatch(a -> a.resources().contains(b.address()))) {
          findings.add(new Finding(Check.TRIGGERS, m.where(b),
              "it has no dead-letter destination, so an alarm must watch it (none does)"));
        }
        continue;
      }
      JsonNode deadLetter = TfModule.at(b.body(), kind.deadLetter());
      if (absent(deadLetter)) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b), "no dead-letter destination (" + kind.deadLetter() + ")"));
        continue;
      }
      Set<String> destination = m.dependencies(b, deadLetter);
      if (destination.isEmpty()) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b),
            kind.deadLetter() + " names no resource of this module, so no alarm on it can be checked; create the destination here"));
      } else if (alarms.stream().noneMatch(a -> a.resources().contains(b.address())
          || a.resources().stream().anyMatch(destination::contains))) {
        findings.add(new Finding(Check.TRIGGERS, m.where(b),
            "no alarm watches its dead-letter destination " + destination + " (" + kind.deadLetter() + ")"));
      }
    }
    asyncLambdaTargets(m, findings);
    outboxDeadLetters(m, alarms, findings);
  }

  /**
   * What one alarm watches: the resources its selectors reference, and their text, in which a
   * metric's name stands in double quotes (as in a filter or a query).
   */
  private record Watch(Set<String> resources, String text) {}

  private static Watch watch(TfModule m, TfModule.Block alarm, List<String> selectors) {
    Set<String> resources = new LinkedHashSet<>();
    StringBuilder text = new StringBuilder();
    for (String selector : selectors) {
      JsonNode node = alarm.body().path(selector);
      resources.addAll(m.dependencies(alarm, node));
      // A metric name stands alone; elsewhere a name is quoted inside a filter or query.
      boolean name = selector.equals("metric_name");
      TfModule.walk(node, "", (path, s) -> text.append(name ? "\"" + s + "\"" : s).append('\n'));
    }
    for (String via : List.copyOf(resources)) {
      TfModule.Block through = m.resources.get(via);
      if (through != null && WATCHED_THROUGH.contains(TfModule.typeOf(via))) {
        resources.addAll(m.dependencies(through.body()));
        TfModule.walk(through.body().path("filter"), "", (path, s) -> text.append(s).append('\n'));
      }
    }
    return new Watch(resources, text.toString());
  }

  private static void refused(TfModule m, TfModule.Block b, String type, List<Finding> findings) {
    if (REJECTED.containsKey(type)) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b), REJECTED.get(type)));
    }
    if (type.startsWith("google_cloudfunctions") && b.body().has("event_trigger")) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b),
          "an event_trigger's Pub/Sub subscription cannot be given a dead-letter topic; push from a google_pubsub_subscription with a dead_letter_policy"));
    }
    if (type.equals("aws_sns_topic_subscription") && !Set.of("email", "email-json", "sms").contains(b.body().path("protocol").asText())) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b),
          "an SNS subscription that delivers to code: a trigger kind these checks do not know; add it to TriggerCheck"));
    }
    if (type.equals("aws_lambda_permission") && !LAMBDA_PRINCIPALS.contains(b.body().path("principal").asText(""))) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b),
          "lets " + b.body().path("principal").asText("?") + " invoke a function: a trigger kind these checks do not know; add it to TriggerCheck"));
    }
  }

  private static void retries(TfModule m, TfModule.Block b, Kind kind, List<Finding> findings) {
    if (absent(TfModule.at(b.body(), kind.retry()))) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b), "no retry policy (" + kind.retry() + ")"));
      return;
    }
    JsonNode count = TfModule.at(b.body(), kind.count());
    boolean literal = count.isNumber() || (count.isTextual() && count.asText().matches("\\d+"));
    if (literal && count.asInt() < kind.minimum()) {
      findings.add(new Finding(Check.TRIGGERS, m.where(b),
          kind.count() + " = " + count.asText() + " does not retry; it must be at least " + kind.minimum()));
    }
  }

  /** Every Lambda an EventBridge rule targets has an async invoke config of its own. */
  private static void asyncLambdaTargets(TfModule m, List<Finding> findings) {
    Set<String> configured = new LinkedHashSet<>();
    for (TfModule.Block c : m.ofType("aws_lambda_function_event_invoke_config")) {
      configured.addAll(m.dependencies(c, c.body().path("function_name")));
    }
    for (TfModule.Block target : m.ofType("aws_cloudwatch_event_target")) {
      for (String function : m.dependencies(target, target.body().path("arn"))) {
        if (function.startsWith("aws_lambda_function.") && !configured.contains(function)) {
          findings.add(new Finding(Check.TRIGGERS, m.where(target),
              "EventBridge invokes " + function + " asynchronously: give it an aws_lambda_function_event_invoke_config"
                  + " with retries and an on_failure destination, or Lambda drops what keeps failing"));
        }
      }
    }
  }

  /** The outbox's dead-letter table: the functions count it as DeadLetters; an alarm must select that. */
  private static void outboxDeadLetters(TfModule m, List<Watch> alarms, List<Finding> findings) {
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
      if (table == null) {
        continue;
      }
      if (m.dependencies(table).isEmpty()) {
        findings.add(new Finding(Check.TRIGGERS, m.where(functions.get(i)),
            "SYNCLINE_DEAD_LETTERS_TABLE names no resource of this module; create the dead-letter table here"));
      } else if (alarms.stream().noneMatch(a -> a.text().contains("\"DeadLetters\""))) {
        findings.add(new Finding(Check.TRIGGERS, m.where(functions.get(i)),
            "no alarm selects the functions' DeadLetters metric, which counts what goes to the dead-letter table "
                + m.dependencies(table)));
      }
    }
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() || (n.isArray() && n.isEmpty());
  }
}
