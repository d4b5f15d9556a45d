# One Syncline replica on AWS: four Lambda functions over three DynamoDB tables, an EventBridge
# bus for write intents, a Function URL for peers, a one-minute drain schedule, an anti-entropy
# schedule, dead-letter queues and the alarms on them. See README.md.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  name = "${var.name_prefix}-${var.replica_id}"

  # The shaded jar that `mvn -B -ntp -DskipTests package` builds at the repository root.
  package = coalesce(var.lambda_package, "${path.module}/../../functions-aws/target/syncline-aws.jar")

  intent_type = "dev.syncline.record.write.v1"

  # Function and role names stop at 64 characters, and name_prefix and replica_id take up to 53
  # of them: hence "-ae" for the anti-entropy function.
  function_names = {
    intent       = "${local.name}-intent"
    ingress      = "${local.name}-ingress"
    drain        = "${local.name}-drain"
    anti_entropy = "${local.name}-ae"
  }

  # The anti-entropy schedule and SYNCLINE_ANTI_ENTROPY_PERIOD come from this one variable, so
  # that a round's window of buckets (picked from the clock and the period) matches the schedule.
  anti_entropy_period   = "PT${var.anti_entropy_period_minutes}M"
  anti_entropy_schedule = var.anti_entropy_period_minutes == 1 ? "rate(1 minute)" : "rate(${var.anti_entropy_period_minutes} minutes)"

  # Exactly the SYNCLINE_* names the functions read in AWS (functions-aws/README.md), the same on
  # all four: every function builds the whole replica on its first invocation (so every one reads
  # the anti-entropy settings, though only the anti-entropy function's rounds depend on them).
  environment = {
    SYNCLINE_REPLICA_ID           = var.replica_id
    SYNCLINE_RECORDS_TABLE        = aws_dynamodb_table.records.name
    SYNCLINE_DEDUPE_TABLE         = aws_dynamodb_table.dedupe.name
    SYNCLINE_DEAD_LETTERS_TABLE   = aws_dynamodb_table.dead_letters.name
    SYNCLINE_PEERS                = join(",", [for id, url in var.peers : "${id}=${url}"])
    SYNCLINE_SECRETS_ARN          = aws_secretsmanager_secret.signing.arn
    SYNCLINE_OUTBOX_RETRY_BASE    = var.outbox_retry_base
    SYNCLINE_OUTBOX_RETRY_CAP     = var.outbox_retry_cap
    SYNCLINE_ANTI_ENTROPY_PERIOD  = local.anti_entropy_period
    SYNCLINE_ANTI_ENTROPY_REPAIRS = tostring(var.anti_entropy_repairs)
    SYNCLINE_SCHEMAS              = var.schemas
    SYNCLINE_SUBSCRIBERS          = join(",", [for name, url in var.subscribers : "${name}=${url}"])
  }

  # The extension jars, beside the stock jar: the module's own layer first, then the caller's.
  # All four functions take the same list (see functions.tf).
  layers = concat(aws_lambda_layer_version.extension[*].arn, var.extension_layer_arns)

  tags = merge({ "syncline-replica" = var.replica_id }, var.tags)

  # SYNCLINE_SECRETS (functions-*/README.md): this replica's own secrets, current first, then
  # each peer's current secret as replica=secret, then each subscriber's as name=secret.
  subscriber_secrets = var.subscriber_secrets == null ? {} : var.subscriber_secrets
  signing_secrets = join(",", concat(
    var.inbound_secrets,
    [for id in sort(keys(var.peer_secrets)) : "${id}=${var.peer_secrets[id]}"],
    [for name in sort(keys(local.subscriber_secrets)) : "${name}=${local.subscriber_secrets[name]}"],
  ))
}
