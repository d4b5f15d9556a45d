# ---- runtime: what the three functions run as ----------------------------------------------------

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${local.short}-run"
  display_name = "${local.base} functions (runtime)"
  description  = "Runs the Syncline intent, ingress and drain functions of replica ${var.replica_id}: Bigtable data, the signing secret, logs."
}

# Read and write rows in this replica's instance only (bigtable.user includes no admin rights).
resource "google_bigtable_instance_iam_member" "runtime_data" {
  project  = var.project_id
  instance = google_bigtable_instance.main.name
  role     = "roles/bigtable.user"
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_secret_manager_secret_iam_member" "runtime_reads_signing" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.signing.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_project_iam_member" "runtime_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

# ---- build: what Cloud Build runs as when Cloud Functions builds the image ----------------------
# Since 2024 new projects build with the Compute Engine default service account, which often has
# no roles (organization policy iam.automaticIamGrantsForDefaultServiceAccounts). A dedicated
# account with the three roles Google documents for a custom build service account makes the
# deployment independent of that. storage.objectAdmin is project-wide because the build reads
# the source from the gcf-v2-sources-* bucket that Cloud Functions creates, not from ours.

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${local.short}-build"
  display_name = "${local.base} functions (build)"
  description  = "Cloud Build account for the Syncline functions of replica ${var.replica_id}."
}

resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
    "roles/storage.objectAdmin",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"
}

# ---- invokers -----------------------------------------------------------------------------------

# Cloud Scheduler calls the drain with an OIDC token of this account; nothing else may invoke it.
resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${local.short}-sched"
  display_name = "${local.base} drain schedule"
  description  = "Identity of the Cloud Scheduler job that runs the Syncline outbox drain of replica ${var.replica_id}."
}

# The intents push subscription calls the intent function with an OIDC token of this account.
resource "google_service_account" "events" {
  project      = var.project_id
  account_id   = "${local.short}-events"
  display_name = "${local.base} intent trigger"
  description  = "Identity of the Pub/Sub push subscription that delivers Syncline write intents of replica ${var.replica_id}."
}

# Pub/Sub mints the push's OIDC token as the pusher account. Projects whose Pub/Sub service
# agent was created before 8 April 2021 need this grant explicitly; later ones have it already,
# and granting it again does no harm.
resource "google_service_account_iam_member" "pubsub_mints_event_tokens" {
  service_account_id = google_service_account.events.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.pubsub_service_agent}"
}
