locals {
  function_source = {
    bucket = google_storage_bucket.functions.name
    object = google_storage_bucket_object.functions.name
  }
}

# ---- intent: Pub/Sub -> PubSubIntentFunction (CloudEventsFunction) --------------------------------
#
# DEVIATION from the conventions (see README.md, "Intent delivery"): the intent function is fed by
# an Eventarc trigger (event_trigger), not by a push subscription of our own with a dead-letter
# policy. A raw Pub/Sub push body ({"message":...,"subscription":...}, no ce- headers) is
# refused by java-function-invoker 1.4.1 (and every later release) for a CloudEventsFunction:
# its conversion of that legacy body to a CloudEvent fails with "Missing required properties:
# name" and answers 500, so every push would end up dead-lettered. Eventarc instead delivers the
# binary-mode messagePublished CloudEvent the function expects. Eventarc's subscription cannot be
# given a dead-letter topic in Terraform; terraform_data.intent_dead_letter_policy below does it
# with gcloud after the trigger exists.
resource "google_cloudfunctions2_function" "intent" {
  project     = var.project_id
  location    = var.region
  name        = local.intent_name
  description = "Syncline ${var.replica_id}: applies write intents published to ${google_pubsub_topic.intents.name} and forwards the changes to the peers."
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.syncline.gcp.PubSubIntentFunction"
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
    # Eventarc in the same project counts as internal traffic.
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

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.intents.id
    service_account_email = google_service_account.events.email
    # A thrown exception (transient failure) makes Pub/Sub redeliver with backoff; an intent that
    # can never apply is acknowledged and recorded in the dead-letters table by the function.
    retry_policy = "RETRY_POLICY_RETRY"
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

resource "google_cloud_run_v2_service_iam_member" "intent_invoker" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.intent.service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

locals {
  intent_trigger_id = try(reverse(split("/", google_cloudfunctions2_function.intent.event_trigger[0].trigger))[0], "")

  # Gives the Eventarc-managed subscription what our own push subscription would have had: a
  # dead-letter topic after 5 failed deliveries, exponential backoff from 10 s to 10 min, 7 days
  # of retention (the dedupe TTL), and the subscriber role Pub/Sub needs to forward dead letters.
  intent_dead_letter_setup_command = join(" && ", [
    "SUB=$(gcloud eventarc triggers describe ${local.intent_trigger_id} --project=${var.project_id} --location=${var.region} --format='value(transport.pubsub.subscription)')",
    "test -n \"$SUB\"",
    "gcloud pubsub subscriptions add-iam-policy-binding \"$SUB\" --project=${var.project_id} --member=serviceAccount:${local.pubsub_service_agent} --role=roles/pubsub.subscriber --condition=None",
    "gcloud pubsub subscriptions update \"$SUB\" --project=${var.project_id} --dead-letter-topic=${google_pubsub_topic.intents_dead_letter.id} --max-delivery-attempts=5 --min-retry-delay=10s --max-retry-delay=600s --message-retention-duration=7d",
  ])
}

# Runs again whenever the trigger (and with it Eventarc's subscription) is replaced.
resource "terraform_data" "intent_dead_letter_policy" {
  count = var.attach_intent_dead_letter_with_gcloud ? 1 : 0

  triggers_replace = [
    google_cloudfunctions2_function.intent.event_trigger[0].trigger,
    google_pubsub_topic.intents_dead_letter.id,
  ]

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-euo", "pipefail", "-c"]
    command     = local.intent_dead_letter_setup_command
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_pubsub_subscription.intents_dead_letter,
  ]
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
      condition     = length(local.ingress_name) <= 63 && length(local.intent_name) <= 63 && length(local.drain_name) <= 63
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
