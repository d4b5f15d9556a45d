locals {
  # Everything this replica owns is named after it, so two replicas (say gcp-us-east4 and
  # gcp-europe-west1) can share a project.
  base = "${var.name_prefix}-${var.replica_id}"

  # Service account ids (6-30 characters), the Bigtable instance id (6-33) and bucket names
  # (global) cannot take the full base name: a short stem with a hash of project and replica.
  short = "${substr(var.name_prefix, 0, 8)}-${substr(sha1("${var.project_id}/${local.base}"), 0, 8)}"

  intent_name  = "${local.base}-intent"
  ingress_name = "${local.base}-ingress"
  drain_name   = "${local.base}-drain"
  # "-ae": function names stop at 63 characters, and name_prefix and replica_id take up to 55.
  anti_entropy_name = "${local.base}-ae"

  intents_topic            = "${local.base}-intents"
  dead_letter_topic        = "${local.base}-intents-dead-letters"
  intents_subscription     = "${local.base}-intents-push"
  dead_letter_subscription = "${local.base}-intents-dead-letters"
  alerts_topic             = "${local.base}-alerts"

  bigtable_instance = local.short
  bigtable_cluster  = "${local.short}-c1"

  # The defaults of the functions' code (GcpConfig) when name_prefix is "syncline".
  records_table      = "${var.name_prefix}-records"
  dedupe_table       = "${var.name_prefix}-dedupe"
  dead_letters_table = "${var.name_prefix}-dead-letters"

  # SYNCLINE_SECRETS (functions-*/README.md): this replica's own secrets, current first, then
  # each peer's current secret as replica=secret, then each subscriber's as name=secret.
  subscriber_secrets = var.subscriber_secrets == null ? {} : var.subscriber_secrets
  signing_secrets = join(",", concat(
    var.inbound_secrets,
    [for id in sort(keys(var.peer_secrets)) : "${id}=${var.peer_secrets[id]}"],
    [for name in sort(keys(local.subscriber_secrets)) : "${name}=${local.subscriber_secrets[name]}"],
  ))

  secret_id          = "${local.base}-signing-secrets"
  scheduler_job_name = "${local.base}-drain"
  package_bucket     = "${local.short}-functions"

  # The anti-entropy job's schedule and SYNCLINE_ANTI_ENTROPY_PERIOD come from one variable, whose
  # validation keeps it a divisor of the hour: every n minutes from the full hour is then evenly
  # spaced, and each run falls at the start of its own period.
  anti_entropy_job_name = "${local.base}-ae"
  anti_entropy_period   = "PT${var.anti_entropy_period_minutes}M"
  anti_entropy_cron     = var.anti_entropy_period_minutes == 60 ? "0 * * * *" : "*/${var.anti_entropy_period_minutes} * * * *"

  # Variable defaults cannot refer to path.module: null means this repository's build output.
  function_package_dir = coalesce(var.function_package_dir, "${path.module}/../../functions-gcp/target/deploy")

  labels = merge(var.labels, {
    "syncline-replica" = var.replica_id
    "managed-by"       = "terraform"
  })

  # The same environment for all four functions: exactly the SYNCLINE_* names the functions read
  # in Google Cloud (GcpConfig). SYNCLINE_SECRETS comes from Secret Manager instead (see
  # secret_environment_variables in functions.tf); the emulator port and the plain-HTTP loopback
  # switch are for local tests only.
  function_env = {
    SYNCLINE_REPLICA_ID           = var.replica_id
    SYNCLINE_BIGTABLE_PROJECT     = var.project_id
    SYNCLINE_BIGTABLE_INSTANCE    = google_bigtable_instance.main.name
    SYNCLINE_RECORDS_TABLE        = google_bigtable_table.records.name
    SYNCLINE_DEDUPE_TABLE         = google_bigtable_table.dedupe.name
    SYNCLINE_DEAD_LETTERS_TABLE   = google_bigtable_table.dead_letters.name
    SYNCLINE_PEERS                = join(",", [for id, url in var.peers : "${id}=${url}"])
    SYNCLINE_OUTBOX_RETRY_BASE    = var.outbox_retry_base
    SYNCLINE_OUTBOX_RETRY_CAP     = var.outbox_retry_cap
    SYNCLINE_ANTI_ENTROPY_PERIOD  = local.anti_entropy_period
    SYNCLINE_ANTI_ENTROPY_REPAIRS = tostring(var.anti_entropy_repairs)
    SYNCLINE_SCHEMAS              = var.schemas
    SYNCLINE_SUBSCRIBERS          = join(",", [for name, url in var.subscribers : "${name}=${url}"])
  }

  pubsub_service_agent     = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  monitoring_service_agent = "service-${data.google_project.this.number}@gcp-sa-monitoring-notification.iam.gserviceaccount.com"

  lag_threshold_ms = var.replication_lag_alarm_seconds * 1000
}

data "google_project" "this" {
  project_id = var.project_id
}
