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
