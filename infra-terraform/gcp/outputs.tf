output "replica_id" {
  description = "This replica's id (a key of the other replicas' peers)."
  value       = var.replica_id
}

# Built from variables only, never read from the function resource: in the three-cloud example
# every replica's environment holds the others' ingress URLs, and reading them from resources
# would make the clouds depend on each other in a cycle. Cloud Functions gen2 serves every
# function at this predictable URL and strips the /<function name> prefix before the function
# sees the path, so peers POST to <ingress_url>/events and the handler sees /events.
output "ingress_url" {
  description = "Base URL of this replica's HTTPS ingress, for the other replicas' peers: they POST to <ingress_url>/events."
  value       = "https://${var.region}-${var.project_id}.cloudfunctions.net/${local.ingress_name}"
}

output "intents_topic" {
  description = "Pub/Sub topic (full id) that applications publish write intents to."
  value       = google_pubsub_topic.intents.id
}

output "intents_topic_name" {
  description = "Short name of the intents topic, for gcloud pubsub topics publish."
  value       = google_pubsub_topic.intents.name
}

output "intent_dead_letter_topic" {
  description = "Pub/Sub topic that receives intents after 5 failed deliveries."
  value       = google_pubsub_topic.intents_dead_letter.id
}

output "intent_dead_letter_subscription" {
  description = "Pull subscription holding the dead-lettered intents (7 days); the intent_dead_letters alert watches its backlog."
  value       = google_pubsub_subscription.intents_dead_letter.id
}

output "intent_subscription" {
  description = "Pub/Sub push subscription that delivers the intents topic to the intent function (retry policy, dead-letter topic after 5 attempts)."
  value       = google_pubsub_subscription.intents.id
}

output "dead_letters_table" {
  description = "Bigtable table of the intents and changes the functions dead-lettered (never applicable, or undelivered after 7 days)."
  value       = google_bigtable_table.dead_letters.name
}

output "bigtable_instance" {
  description = "Bigtable instance id of this replica (records, dedupe and dead-letters tables)."
  value       = google_bigtable_instance.main.name
}

output "bigtable_tables" {
  description = "The Bigtable tables: records, dedupe, dead_letters."
  value = {
    records      = google_bigtable_table.records.name
    dedupe       = google_bigtable_table.dedupe.name
    dead_letters = google_bigtable_table.dead_letters.name
  }
}

output "function_names" {
  description = "The four Cloud Functions (gen2): intent, ingress, drain, anti_entropy."
  value = {
    intent       = google_cloudfunctions2_function.intent.name
    ingress      = google_cloudfunctions2_function.ingress.name
    drain        = google_cloudfunctions2_function.drain.name
    anti_entropy = google_cloudfunctions2_function.anti_entropy.name
  }
}

output "runtime_service_account" {
  description = "Service account the intent, ingress and drain functions run as."
  value       = google_service_account.runtime.email
}

output "anti_entropy_service_account" {
  description = "Service account the anti-entropy function runs as (the same grants as runtime_service_account)."
  value       = google_service_account.anti_entropy.email
}

output "signing_secret_id" {
  description = "Secret Manager secret holding the signing secrets (its id, never its value)."
  value       = google_secret_manager_secret.signing.id
}

output "scheduler_job_name" {
  description = "Cloud Scheduler job that runs the outbox drain every minute."
  value       = google_cloud_scheduler_job.drain.name
}

output "anti_entropy_scheduler_job_name" {
  description = "Cloud Scheduler job that runs an anti-entropy round every anti_entropy_period_minutes."
  value       = google_cloud_scheduler_job.anti_entropy.name
}

output "alerts_topic" {
  description = "Pub/Sub topic every alert policy notifies (the notification target that exists with or without alarm_email)."
  value       = google_pubsub_topic.alerts.id
}

output "notification_channels" {
  description = "Monitoring notification channels the alert policies use (the alerts topic, plus email when alarm_email is set)."
  value       = local.notification_channels
}

output "alert_policies" {
  description = "Alert policies: dead letters (table), intent dead-letter topic, replication lag, drain and anti-entropy job failures."
  value = {
    dead_letters         = google_monitoring_alert_policy.dead_letters.name
    intent_dead_letters  = google_monitoring_alert_policy.intent_dead_letters.name
    replication_lag      = google_monitoring_alert_policy.replication_lag.name
    drain_failing        = google_monitoring_alert_policy.drain_failing.name
    anti_entropy_failing = google_monitoring_alert_policy.anti_entropy_failing.name
  }
}
