# The outbox drain, every minute. Cloud Scheduler has no dead-letter destination: a failed run is
# simply retried below and then by the next minute's run, and the drain_failing alert in
# monitoring.tf (which names this job) tells the operator when attempts keep failing. Nothing is
# lost meanwhile: what is owed stays in the records' outbox until a drain succeeds.
resource "google_cloud_scheduler_job" "drain" {
  project          = var.project_id
  region           = var.region
  name             = local.scheduler_job_name
  description      = "Syncline ${var.replica_id}: runs the outbox drain (${local.drain_name})."
  schedule         = "* * * * *"
  time_zone        = "Etc/UTC"
  attempt_deadline = "240s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "5s"
    max_backoff_duration = "20s"
    max_doublings        = 2
  }

  http_target {
    # The run.app URL: Cloud Scheduler reaches an internal-only function only through it.
    uri         = google_cloudfunctions2_function.drain.service_config[0].uri
    http_method = "POST"

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.drain.service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.drain_invoker]
}

# Anti-entropy rounds, every anti_entropy_period_minutes from the full hour: the same period as
# SYNCLINE_ANTI_ENTROPY_PERIOD (both from local.anti_entropy_*), because a round picks its window
# of buckets from the clock and the period. No dead-letter destination here either: a failed
# round's window simply waits for the next cycle, and the anti_entropy_failing alert in
# monitoring.tf (which names this job) tells the operator when attempts keep failing.
resource "google_cloud_scheduler_job" "anti_entropy" {
  project          = var.project_id
  region           = var.region
  name             = local.anti_entropy_job_name
  description      = "Syncline ${var.replica_id}: runs an anti-entropy round (${local.anti_entropy_name}) every ${var.anti_entropy_period_minutes} min, SYNCLINE_ANTI_ENTROPY_PERIOD ${local.anti_entropy_period}."
  schedule         = local.anti_entropy_cron
  time_zone        = "Etc/UTC"
  attempt_deadline = "240s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "5s"
    max_backoff_duration = "20s"
    max_doublings        = 2
  }

  http_target {
    # The run.app URL: Cloud Scheduler reaches an internal-only function only through it.
    uri         = google_cloudfunctions2_function.anti_entropy.service_config[0].uri
    http_method = "POST"

    oidc_token {
      service_account_email = google_service_account.anti_entropy_scheduler.email
      audience              = google_cloudfunctions2_function.anti_entropy.service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.anti_entropy_invoker]
}
