# ---- where alerts go ------------------------------------------------------------------------------

resource "google_monitoring_notification_channel" "alerts_topic" {
  project      = var.project_id
  display_name = "${local.base} alerts (Pub/Sub ${local.alerts_topic})"
  type         = "pubsub"
  user_labels  = local.labels

  labels = {
    topic = google_pubsub_topic.alerts.id
  }
}

# Monitoring publishes as its notification service agent, which exists once the project has a
# Pub/Sub notification channel: hence after the channel.
resource "google_pubsub_topic_iam_member" "alerts_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.alerts.id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.monitoring_service_agent}"

  depends_on = [google_monitoring_notification_channel.alerts_topic]
}

resource "google_monitoring_notification_channel" "email" {
  count = var.alarm_email == null ? 0 : 1

  project      = var.project_id
  display_name = "${local.base} alerts (email)"
  type         = "email"
  user_labels  = local.labels

  labels = {
    email_address = var.alarm_email
  }
}

locals {
  notification_channels = concat(
    [google_monitoring_notification_channel.alerts_topic.id],
    google_monitoring_notification_channel.email[*].id,
  )
}

# ---- metrics from the functions' log lines ------------------------------------------------------
# Each function writes one JSON line per signal to stdout, e.g.
#   {"severity":"INFO","message":"syncline metric DeadLetters=1","syncline_metric":"DeadLetters",
#    "value":1,"replica_id":"gcp-us-east4"}
# which Cloud Logging stores as jsonPayload (gen2 functions log as resource cloud_run_revision).

resource "google_logging_metric" "dead_letters" {
  project     = var.project_id
  name        = "${local.base}/DeadLetters"
  description = "Syncline ${var.replica_id}: intents and changes written to the dead-letters table ${local.dead_letters_table} (one log line each)."
  filter      = "jsonPayload.syncline_metric=\"DeadLetters\" AND jsonPayload.replica_id=\"${var.replica_id}\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Syncline dead letters (${var.replica_id})"

    labels {
      key         = "replica_id"
      value_type  = "STRING"
      description = "The replica that dead-lettered."
    }
  }

  label_extractors = {
    replica_id = "EXTRACT(jsonPayload.replica_id)"
  }
}

# A distribution of OutboxAge (milliseconds, one value per drain pass). Its buckets are placed at
# fractions and multiples of the alarm threshold, with the threshold itself as a bound: a window
# holds a handful of passes (one a minute), so its 99th percentile is interpolated inside the
# bucket of the window's largest value, which is above the threshold exactly when that value is.
# That makes the percentile alert below behave as "maximum > threshold".
resource "google_logging_metric" "outbox_age" {
  project         = var.project_id
  name            = "${local.base}/OutboxAge"
  description     = "Syncline ${var.replica_id}: after each drain pass, the age in ms of the oldest change still owed to a peer (sender-side replication lag; rises while a peer is unreachable)."
  filter          = "jsonPayload.syncline_metric=\"OutboxAge\" AND jsonPayload.replica_id=\"${var.replica_id}\""
  value_extractor = "EXTRACT(jsonPayload.value)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "ms"
    display_name = "Syncline outbox age (${var.replica_id})"

    labels {
      key         = "replica_id"
      value_type  = "STRING"
      description = "The replica whose outbox it is."
    }
  }

  label_extractors = {
    replica_id = "EXTRACT(jsonPayload.replica_id)"
  }

  bucket_options {
    explicit_buckets {
      bounds = [for f in [0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16] : f * local.lag_threshold_ms]
    }
  }
}

# ---- alert policies -----------------------------------------------------------------------------

resource "google_monitoring_alert_policy" "dead_letters" {
  project               = var.project_id
  display_name          = "${local.base}: dead letters"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "DeadLetters > 0"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.dead_letters.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }

      evaluation_missing_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    subject   = "Syncline ${var.replica_id}: changes or intents were dead-lettered"
    mime_type = "text/markdown"
    content   = <<-EOT
      Replica **${var.replica_id}** wrote intents or changes to its dead-letters table
      **${google_bigtable_table.dead_letters.name}** (Bigtable instance
      `${google_bigtable_instance.main.name}`, project `${var.project_id}`): intents that can never
      apply (malformed, schema violation) and changes still undelivered to a peer after 7 days.

      Each row holds `reason`, `at` (epoch ms), `subject`, `eventId` and the original `payload`:

          cbt -project=${var.project_id} -instance=${google_bigtable_instance.main.name} read ${google_bigtable_table.dead_letters.name} count=20

      Fix the cause (the reason says what), then re-publish intents or let anti-entropy repair the
      peer. Delete a row once handled: `cbt ... deleterow ${google_bigtable_table.dead_letters.name} <row key>`.
    EOT
  }
}

resource "google_monitoring_alert_policy" "replication_lag" {
  project               = var.project_id
  display_name          = "${local.base}: replication lag over ${var.replication_lag_alarm_seconds} s"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "OutboxAge (max over 5 min) > ${local.lag_threshold_ms} ms"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.outbox_age.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = local.lag_threshold_ms
      duration        = "0s"

      # OutboxAge misses records waiting out a backoff in a given pass; every owing record is
      # visited again within about 2 minutes, so a 5-minute window sees them all.
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }

      trigger {
        count = 1
      }

      evaluation_missing_data = "EVALUATION_MISSING_DATA_INACTIVE"
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    subject   = "Syncline ${var.replica_id}: a peer has been owed changes for over ${var.replication_lag_alarm_seconds} s"
    mime_type = "text/markdown"
    content   = <<-EOT
      The oldest change that replica **${var.replica_id}** still owes a peer is older than
      ${var.replication_lag_alarm_seconds} s. Usually a peer is unreachable, rejects the signature
      (secrets out of sync) or answers errors. The drain (`${local.drain_name}`, run every minute by
      `${local.scheduler_job_name}`) retries with backoff and dead-letters changes after 7 days.

      Its logs say which peer and why: Logs Explorer, `resource.labels.service_name="${local.drain_name}"`.
    EOT
  }
}

resource "google_monitoring_alert_policy" "intent_dead_letters" {
  project               = var.project_id
  display_name          = "${local.base}: intents in the dead-letter topic"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "undelivered messages in ${local.dead_letter_subscription} > 0"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${google_pubsub_subscription.intents_dead_letter.name}\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    subject   = "Syncline ${var.replica_id}: intents failed 5 deliveries"
    mime_type = "text/markdown"
    content   = <<-EOT
      Write intents published to `${google_pubsub_topic.intents.name}` failed 5 deliveries to
      `${local.intent_name}` and were moved to `${google_pubsub_topic.intents_dead_letter.name}`.
      They wait in the pull subscription `${google_pubsub_subscription.intents_dead_letter.name}`
      (7 days). Look at them without consuming them:

          gcloud pubsub subscriptions pull ${google_pubsub_subscription.intents_dead_letter.name} --project=${var.project_id} --limit=10 --format=json

      Once the cause is fixed (the function's errors are in its logs), re-publish their data to
      `${google_pubsub_topic.intents.name}`; the dedupe store applies each intent at most once.
    EOT
  }
}

# Cloud Scheduler has no dead-letter destination, so this alert is the drain trigger's "DLQ":
# failed attempts of the job (drain errors, timeouts, permission problems) are logged at ERROR.
resource "google_monitoring_alert_policy" "drain_failing" {
  project               = var.project_id
  display_name          = "${local.base}: outbox drain job failing"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "failed attempts of ${local.scheduler_job_name}"
    condition_matched_log {
      filter = "resource.type=\"cloud_scheduler_job\" AND resource.labels.job_id=\"${google_cloud_scheduler_job.drain.name}\" AND resource.labels.location=\"${var.region}\" AND severity>=ERROR"
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "3600s"
  }

  documentation {
    subject   = "Syncline ${var.replica_id}: the outbox drain job failed"
    mime_type = "text/markdown"
    content   = <<-EOT
      An attempt of Cloud Scheduler job `${google_cloud_scheduler_job.drain.name}` (region
      ${var.region}) calling `${local.drain_name}` failed. Changes owed to peers stay in the outbox
      and are sent by the next successful run, but nothing is forwarded while it keeps failing.
      Check the job's logs and the function's logs (`resource.labels.service_name="${local.drain_name}"`).
    EOT
  }
}

# The anti-entropy job's "DLQ", as for the drain: failed attempts (a round that could not read its
# own store, a timeout, a permission problem) are logged at ERROR. A peer that does not answer is
# not a failure: the round names it in its summary (a WARNING entry) and goes on.
resource "google_monitoring_alert_policy" "anti_entropy_failing" {
  project               = var.project_id
  display_name          = "${local.base}: anti-entropy job failing"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.notification_channels
  user_labels           = local.labels

  conditions {
    display_name = "failed attempts of ${local.anti_entropy_job_name}"
    condition_matched_log {
      filter = "resource.type=\"cloud_scheduler_job\" AND resource.labels.job_id=\"${google_cloud_scheduler_job.anti_entropy.name}\" AND resource.labels.location=\"${var.region}\" AND severity>=ERROR"
    }
  }

  alert_strategy {
    notification_rate_limit {
      period = "3600s"
    }
    auto_close = "3600s"
  }

  documentation {
    subject   = "Syncline ${var.replica_id}: the anti-entropy job failed"
    mime_type = "text/markdown"
    content   = <<-EOT
      An attempt of Cloud Scheduler job `${google_cloud_scheduler_job.anti_entropy.name}` (region
      ${var.region}) calling `${local.anti_entropy_name}` failed. That round's window of buckets is
      compared again in the next cycle (16 periods of ${var.anti_entropy_period_minutes} min), but
      nothing that replication missed is repaired while it keeps failing. Check the job's logs and
      the function's logs (`resource.labels.service_name="${local.anti_entropy_name}"`).
    EOT
  }
}
