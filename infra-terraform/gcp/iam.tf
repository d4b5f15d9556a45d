# ---- runtime: what the intent, ingress and drain functions run as --------------------------------

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

# ---- anti-entropy: its own runtime account, with the runtime account's three grants -------------
# The same roles as the drain's (it reads and writes records, reads the signing secret, logs), in
# an account of its own, so that its access can be told apart and revoked on its own.

resource "google_service_account" "anti_entropy" {
  project      = var.project_id
  account_id   = "${local.short}-ae"
  display_name = "${local.base} anti-entropy (runtime)"
  description  = "Runs the Syncline anti-entropy function of replica ${var.replica_id}: Bigtable data, the signing secret, logs."
}

resource "google_bigtable_instance_iam_member" "anti_entropy_data" {
  project  = var.project_id
  instance = google_bigtable_instance.main.name
  role     = "roles/bigtable.user"
  member   = "serviceAccount:${google_service_account.anti_entropy.email}"
}

resource "google_secret_manager_secret_iam_member" "anti_entropy_reads_signing" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.signing.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.anti_entropy.email}"
}

resource "google_project_iam_member" "anti_entropy_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.anti_entropy.email}"
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

# Cloud Scheduler calls the anti-entropy function with an OIDC token of this account; nothing else
# may invoke it.
resource "google_service_account" "anti_entropy_scheduler" {
  project      = var.project_id
  account_id   = "${local.short}-aesched"
  display_name = "${local.base} anti-entropy schedule"
  description  = "Identity of the Cloud Scheduler job that runs the Syncline anti-entropy rounds of replica ${var.replica_id}."
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
