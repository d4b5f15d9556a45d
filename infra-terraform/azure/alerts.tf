# Every dead-letter destination has an alert, plus replication lag:
#   - the Event Grid dead-letter container (intents Event Grid gave up delivering): DeadLetteredCount
#   - intents Event Grid could not even dead-letter (lost): DroppedEventCount
#   - the dead-letters table (unappliable intents, changes the outbox gave up on): DeadLetters lines
#   - replication lag, sender side: OutboxAge lines
# All notify one action group, which exists even without an e-mail address so that callers can
# attach their own receivers to it.

resource "azurerm_monitor_action_group" "this" {
  name                = "${local.base}-alerts"
  resource_group_name = local.resource_group_name
  short_name          = local.action_group_short_name

  dynamic "email_receiver" {
    for_each = var.alarm_email == null ? [] : [var.alarm_email]
    content {
      name                    = "syncline-operator"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }

  tags = local.tags
}

locals {
  # Event Grid upper-cases subscription names in places (the dead-letter blob paths, for one);
  # listing both spellings matches whichever the metric dimension carries.
  intent_subscription_dimension_values = distinct([
    azurerm_eventgrid_event_subscription.intents.name,
    upper(azurerm_eventgrid_event_subscription.intents.name),
  ])

  # The functions print one `syncline-metric {json}` line per signal (see tf-conventions). The
  # line is located with `contains`/`indexof` rather than `startswith` so that a prefix added by
  # the host's console logger cannot silence the alerts.
  metric_lines = <<-KQL
    traces
    | where message contains "syncline-metric {"
    | extend m = parse_json(substring(message, indexof(message, "syncline-metric {") + 16))
  KQL
}

resource "azurerm_monitor_metric_alert" "intent_dead_letters" {
  name                = "${local.base}-intent-dead-letters"
  resource_group_name = local.resource_group_name
  scopes              = [azurerm_eventgrid_topic.intents.id]
  description         = "Syncline ${var.replica_id}: Event Grid gave up delivering intents of subscription ${azurerm_eventgrid_event_subscription.intents.name} to the function and dead-lettered them into blob container ${azurerm_storage_container.dead_letters.name} of storage account ${azurerm_storage_account.data.name}. Inspect the blobs, fix the cause, republish."
  severity            = 1
  frequency           = "PT1M"
  window_size         = "PT5M"

  criteria {
    metric_namespace = "Microsoft.EventGrid/topics"
    metric_name      = "DeadLetteredCount"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "EventSubscriptionName"
      operator = "Include"
      values   = local.intent_subscription_dimension_values
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.this.id
  }

  tags = local.tags
}

resource "azurerm_monitor_metric_alert" "intent_drops" {
  name                = "${local.base}-intent-drops"
  resource_group_name = local.resource_group_name
  scopes              = [azurerm_eventgrid_topic.intents.id]
  description         = "Syncline ${var.replica_id}: Event Grid dropped intents of subscription ${azurerm_eventgrid_event_subscription.intents.name}: they could be neither delivered nor dead-lettered into ${azurerm_storage_container.dead_letters.name} (check the topic identity's role on the container). Dropped intents are lost; the publishers must resend them."
  severity            = 0
  frequency           = "PT1M"
  window_size         = "PT5M"

  criteria {
    metric_namespace = "Microsoft.EventGrid/topics"
    metric_name      = "DroppedEventCount"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "EventSubscriptionName"
      operator = "Include"
      values   = local.intent_subscription_dimension_values
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.this.id
  }

  tags = local.tags
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "dead_letters" {
  name                 = "${local.base}-dead-letters"
  resource_group_name  = local.resource_group_name
  location             = var.location
  scopes               = [azurerm_application_insights.this.id]
  description          = "Syncline ${var.replica_id}: intents or replicated changes were dead-lettered into table ${azurerm_storage_table.dead_letters.name} of storage account ${azurerm_storage_account.data.name} (an unappliable intent, or a change the outbox could not deliver to a peer within its max age). Each entity holds the reason and the original bytes for replay."
  severity             = 1
  evaluation_frequency = "PT5M"
  window_duration      = "PT5M"
  enabled              = true

  criteria {
    query                   = <<-KQL
      ${chomp(local.metric_lines)}
      | where tostring(m.name) == "DeadLetters"
      | summarize DeadLetters = sum(todouble(m.value))
    KQL
    time_aggregation_method = "Total"
    metric_measure_column   = "DeadLetters"
    operator                = "GreaterThan"
    threshold               = 0

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  auto_mitigation_enabled = true

  action {
    action_groups = [azurerm_monitor_action_group.this.id]
  }

  tags = local.tags
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "replication_lag" {
  name                 = "${local.base}-replication-lag"
  resource_group_name  = local.resource_group_name
  location             = var.location
  scopes               = [azurerm_application_insights.this.id]
  description          = "Syncline ${var.replica_id}: a change has been owed to a peer for more than ${var.replication_lag_alarm_seconds} s (OutboxAge). A peer is unreachable or rejecting this replica's changes; the drain keeps retrying, and changes older than the outbox max age go to table ${azurerm_storage_table.dead_letters.name}."
  severity             = 2
  evaluation_frequency = "PT5M"
  window_duration      = "PT15M"
  enabled              = true

  criteria {
    query                   = <<-KQL
      ${chomp(local.metric_lines)}
      | where tostring(m.name) == "OutboxAge"
      | summarize OutboxAgeMs = max(todouble(m.value))
    KQL
    time_aggregation_method = "Maximum"
    metric_measure_column   = "OutboxAgeMs"
    operator                = "GreaterThan"
    threshold               = var.replication_lag_alarm_seconds * 1000

    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  auto_mitigation_enabled = true

  action {
    action_groups = [azurerm_monitor_action_group.this.id]
  }

  tags = local.tags
}
