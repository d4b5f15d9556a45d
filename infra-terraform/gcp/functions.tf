locals {
  function_source = {
    bucket = google_storage_bucket.functions.name
    object = google_storage_bucket_object.functions.name
  }
}

# ---- intent: Pub/Sub push subscription -> PubSubPushIntentFunction -----------------------------
#
# The intents reach the function through our own push subscription (pubsub.tf), not an Eventarc
# trigger: only a subscription we own can have a dead-letter topic. The function reads the push
# body itself; java-function-invoker cannot hand a raw push to a CloudEventsFunction.
resource "google_cloudfunctions2_function" "intent" {
  project     = var.project_id
  location    = var.region
  name        = local.intent_name
  description = "Syncline ${var.replica_id}: applies write intents pushed from ${google_pubsub_topic.intents.name} and forwards the changes to the peers."
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.syncline.gcp.PubSubPushIntentFunction"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.function_source.bucket
        object = local.function_source.object
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.runtime.email
    available_memory                 = var.function_memory
    available_cpu                    = "1"
    timeout_seconds                  = 60
    min_instance_count               = var.function_min_instances
    max_instance_count               = var.function_max_instances
    max_instance_request_concurrency = 1
    # A push subscription in the same project counts as internal traffic.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    environment_variables          = local.function_env

    secret_environment_variables {
      key        = "SYNCLINE_SECRETS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.signing.secret_id
      version    = google_secret_manager_secret_version.signing.version
    }
  }

  # A function cannot start before its account can read the secret, and cannot be built before
  # the build account has its roles.
  depends_on = [
    google_secret_manager_secret_iam_member.runtime_reads_signing,
    google_bigtable_instance_iam_member.runtime_data,
    google_project_iam_member.runtime_logs,
    google_project_iam_member.build,
  ]
}

# The push subscription authenticates as the pusher account; only it may invoke the function.
resource "google_cloud_run_v2_service_iam_member" "intent_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.intent.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

# ---- ingress: HTTPS from the peers -> HttpIngressFunction ---------------------------------------
resource "google_cloudfunctions2_function" "ingress" {
  project     = var.project_id
  location    = var.region
  name        = local.ingress_name
  description = "Syncline ${var.replica_id}: the HTTPS ingress of DESIGN section 6 (POST /events, GET /records/..., OPTIONS /events), authenticated by Standard Webhooks signatures."
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.syncline.gcp.HttpIngressFunction"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.function_source.bucket
        object = local.function_source.object
      }
    }
  }

  service_config {
    service_account_email = google_service_account.runtime.email
    available_memory      = var.function_memory
    available_cpu         = "1"
    timeout_seconds       = 60
    min_instance_count    = var.function_min_instances
    max_instance_count    = var.function_max_instances
    # The ingress handler is built for concurrent requests (it sheds load past 64 in flight).
    max_instance_request_concurrency = 8
    # Peers in other clouds call it over the internet.
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    environment_variables          = local.function_env

    secret_environment_variables {
      key        = "SYNCLINE_SECRETS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.signing.secret_id
      version    = google_secret_manager_secret_version.signing.version
    }
  }

  lifecycle {
    # ingress_url is built from these names (outputs.tf); Cloud Functions allows 63 characters.
    precondition {
      condition     = length(local.ingress_name) <= 63 && length(local.intent_name) <= 63 && length(local.drain_name) <= 63 && length(local.anti_entropy_name) <= 63
      error_message = "The function names (<name_prefix>-<replica_id>-ingress) exceed 63 characters: shorten name_prefix or replica_id."
    }
    precondition {
      condition     = !contains(keys(var.peers), var.replica_id)
      error_message = "peers must not contain this replica's own id (replica_id)."
    }
  }

  # A function cannot start before its account can read the secret, and cannot be built before
  # the build account has its roles.
  depends_on = [
    google_secret_manager_secret_iam_member.runtime_reads_signing,
    google_bigtable_instance_iam_member.runtime_data,
    google_project_iam_member.runtime_logs,
    google_project_iam_member.build,
  ]
}

# Public on purpose: peers in AWS and Azure hold no Google identity. Every request is authenticated
# by the function itself (Standard Webhooks HMAC over id, timestamp and body with the mesh's
# shared secrets, +-5 min window, checked before the body is parsed); unsigned requests get 401.
# An organization policy restricting allUsers (iam.allowedPolicyMemberDomains) blocks this grant.
resource "google_cloud_run_v2_service_iam_member" "ingress_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.ingress.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# ---- drain: Cloud Scheduler every minute -> OutboxDrainFunction ---------------------------------
resource "google_cloudfunctions2_function" "drain" {
  project     = var.project_id
  location    = var.region
  name        = local.drain_name
  description = "Syncline ${var.replica_id}: forwards what records still owe their peers, with backoff, and dead-letters changes older than 7 days. Invoked by ${local.scheduler_job_name} only."
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.syncline.gcp.OutboxDrainFunction"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.function_source.bucket
        object = local.function_source.object
      }
    }
  }

  service_config {
    service_account_email = google_service_account.runtime.email
    available_memory      = var.function_memory
    available_cpu         = "1"
    # 500 records a pass, sent in parallel with per-request timeouts: well under 4 minutes even
    # with a peer down; the schedule fires every minute and passes may overlap safely (every
    # outbox write is a conditional check-and-mutate).
    timeout_seconds                  = 240
    min_instance_count               = 0
    max_instance_count               = 2
    max_instance_request_concurrency = 1
    # Cloud Scheduler in the same project counts as internal traffic (it calls the run.app URL).
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    environment_variables          = local.function_env

    secret_environment_variables {
      key        = "SYNCLINE_SECRETS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.signing.secret_id
      version    = google_secret_manager_secret_version.signing.version
    }
  }

  # A function cannot start before its account can read the secret, and cannot be built before
  # the build account has its roles.
  depends_on = [
    google_secret_manager_secret_iam_member.runtime_reads_signing,
    google_bigtable_instance_iam_member.runtime_data,
    google_project_iam_member.runtime_logs,
    google_project_iam_member.build,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "drain_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.drain.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

# ---- anti-entropy: Cloud Scheduler every anti_entropy_period_minutes -> AntiEntropyFunction -----
resource "google_cloudfunctions2_function" "anti_entropy" {
  project     = var.project_id
  location    = var.region
  name        = local.anti_entropy_name
  description = "Syncline ${var.replica_id}: one anti-entropy round per call (this period's window of buckets compared with every peer, differing records repaired). Invoked by ${local.anti_entropy_job_name} only, every ${var.anti_entropy_period_minutes} min."
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.syncline.gcp.AntiEntropyFunction"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = local.function_source.bucket
        object = local.function_source.object
      }
    }
  }

  service_config {
    service_account_email = google_service_account.anti_entropy.email
    available_memory      = var.function_memory
    available_cpu         = "1"
    # A round goes through the peers one after another (a digest exchange, then at most
    # anti_entropy_repairs pulls and pushes each, with per-request timeouts); a round cut short
    # leaves its window to the next cycle. Overlapping rounds compare different windows and
    # every repair is a join, so they are safe.
    timeout_seconds                  = 240
    min_instance_count               = 0
    max_instance_count               = 2
    max_instance_request_concurrency = 1
    # Cloud Scheduler in the same project counts as internal traffic (it calls the run.app URL).
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    environment_variables          = local.function_env

    secret_environment_variables {
      key        = "SYNCLINE_SECRETS"
      project_id = var.project_id
      secret     = google_secret_manager_secret.signing.secret_id
      version    = google_secret_manager_secret_version.signing.version
    }
  }

  # A function cannot start before its account can read the secret, and cannot be built before
  # the build account has its roles.
  depends_on = [
    google_secret_manager_secret_iam_member.anti_entropy_reads_signing,
    google_bigtable_instance_iam_member.anti_entropy_data,
    google_project_iam_member.anti_entropy_logs,
    google_project_iam_member.build,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "anti_entropy_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.anti_entropy.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.anti_entropy_scheduler.email}"
}
