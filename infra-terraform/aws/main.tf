# One Syncline replica on AWS: three Lambda functions over three DynamoDB tables, an EventBridge
# bus for write intents, a Function URL for peers, a one-minute drain schedule, dead-letter
# queues and the alarms on them. See README.md.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  name = "${var.name_prefix}-${var.replica_id}"

  # The shaded jar that `mvn -B -ntp -DskipTests package` builds at the repository root.
  package = coalesce(var.lambda_package, "${path.module}/../../functions-aws/target/syncline-aws.jar")

  intent_type = "dev.syncline.record.write.v1"

  function_names = {
    intent  = "${local.name}-intent"
    ingress = "${local.name}-ingress"
    drain   = "${local.name}-drain"
  }

  # Exactly the SYNCLINE_* names the functions read in AWS (functions-aws/README.md), the same on
  # all three: every function builds the whole replica on its first invocation.
  environment = {
    SYNCLINE_REPLICA_ID         = var.replica_id
    SYNCLINE_RECORDS_TABLE      = aws_dynamodb_table.records.name
    SYNCLINE_DEDUPE_TABLE       = aws_dynamodb_table.dedupe.name
    SYNCLINE_DEAD_LETTERS_TABLE = aws_dynamodb_table.dead_letters.name
    SYNCLINE_PEERS              = join(",", [for id, url in var.peers : "${id}=${url}"])
    SYNCLINE_SECRETS_ARN        = aws_secretsmanager_secret.signing.arn
    SYNCLINE_OUTBOX_RETRY_BASE  = var.outbox_retry_base
    SYNCLINE_OUTBOX_RETRY_CAP   = var.outbox_retry_cap
  }

  tags = merge({ "syncline-replica" = var.replica_id }, var.tags)

  # SYNCLINE_SECRETS (functions-*/README.md): this replica's own secrets, current first, then
  # each peer's current secret as replica=secret.
  signing_secrets = join(",", concat(var.inbound_secrets, [for id in sort(keys(var.peer_secrets)) : "${id}=${var.peer_secrets[id]}"]))
}
