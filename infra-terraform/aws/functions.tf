# Created before the functions so that Lambda never creates them itself (without retention) and
# so that each role can name its own group. The EMF metric lines the functions print become
# CloudWatch metrics only through these groups.
resource "aws_cloudwatch_log_group" "fn" {
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days

  tags = local.tags
}

# ---------------------------------------------------------------------------------------------
# IAM: one role per function, each granted exactly the calls its code path makes.
#   intent      : records Get/Put, dedupe Get/Put/Delete, dead letters Put (unappliable intents
#                 and changes the immediate forward gives up on), SendMessage to its on-failure
#                 queue.
#   ingress     : records Get/Put, dedupe Get/Put/Delete (peers may also POST write intents, which
#                 go through the dedupe claim); Query on the anti-entropy index (it answers a
#                 peer's digests, /anti-entropy/*); dead letters Scan and Get (/admin/dead-letters
#                 lists them, a replay reads one by id) and Put (a replayed intent is applied and
#                 forwarded at once, and a forward the peer refuses is dead-lettered).
#   drain       : Query on the outbox-due index, records Get/Put, dead letters Put. No dedupe.
#   anti_entropy: Query on the anti-entropy index (its buckets), records Get/Put (a pulled state
#                 is merged like any change). No dedupe, no dead letters.
# All four read the signing secrets once per container. No UpdateItem, BatchWrite or
# transactions, and Scan only on the dead letters: writes are PutItem (conditional, except
# marking a dedupe entry completed) and the conditional DeleteItem that releases a dedupe lease.
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fn" {
  for_each = local.function_names

  name               = each.value
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "intent" {
  statement {
    sid     = "OwnLogs"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    # Log streams are created per execution environment with generated names, hence the
    # wildcard below this one log group.
    resources = ["${aws_cloudwatch_log_group.fn["intent"].arn}:*"]
  }

  statement {
    sid       = "SigningSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]
  }

  statement {
    sid       = "Records"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.records.arn]
  }

  statement {
    sid       = "Dedupe"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.dedupe.arn]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["dynamodb:PutItem"]
    resources = [aws_dynamodb_table.dead_letters.arn]
  }

  # Lambda sends failed asynchronous invocations to the on-failure destination with the
  # function's own role.
  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.intents_dlq.arn]
  }
}

data "aws_iam_policy_document" "ingress" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["ingress"].arn}:*"]
  }

  statement {
    sid       = "SigningSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]
  }

  statement {
    sid       = "Records"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.records.arn]
  }

  statement {
    sid       = "Dedupe"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.dedupe.arn]
  }

  # A peer's POST /anti-entropy/digests: this replica's (key, digest) pairs of those buckets.
  statement {
    sid       = "AntiEntropyIndex"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.records.arn}/index/anti-entropy"]
  }

  # GET /admin/dead-letters (Scan), POST /admin/dead-letters/replay (GetItem by id; PutItem when
  # the replay's forward is refused, as the intent function dead-letters).
  statement {
    sid       = "DeadLetters"
    actions   = ["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.dead_letters.arn]
  }
}

data "aws_iam_policy_document" "drain" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["drain"].arn}:*"]
  }

  statement {
    sid       = "SigningSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]
  }

  statement {
    sid       = "Records"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.records.arn]
  }

  statement {
    sid       = "DueOutboxIndex"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.records.arn}/index/outbox-due"]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["dynamodb:PutItem"]
    resources = [aws_dynamodb_table.dead_letters.arn]
  }
}

data "aws_iam_policy_document" "anti_entropy" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn["anti_entropy"].arn}:*"]
  }

  statement {
    sid       = "SigningSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.signing.arn]
  }

  # GetItem and PutItem only: DynamoDbRecordStore queries indexes, never the table itself.
  statement {
    sid       = "Records"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.records.arn]
  }

  statement {
    sid       = "AntiEntropyIndex"
    actions   = ["dynamodb:Query"]
    resources = ["${aws_dynamodb_table.records.arn}/index/anti-entropy"]
  }
}

resource "aws_iam_role_policy" "fn" {
  for_each = {
    intent       = data.aws_iam_policy_document.intent.json
    ingress      = data.aws_iam_policy_document.ingress.json
    drain        = data.aws_iam_policy_document.drain.json
    anti_entropy = data.aws_iam_policy_document.anti_entropy.json
  }

  name   = "syncline-${each.key}"
  role   = aws_iam_role.fn[each.key].id
  policy = each.value
}

# ---------------------------------------------------------------------------------------------
# Extension layer: the handler developers' jars under java/lib/ in extension_layer_zip. Lambda
# unpacks a layer into /opt, and the Java runtimes put /opt/java/lib/*.jar on the class path
# beside the function's own jar, so ServiceLoader finds the extension with the stock handlers.
# A new zip is a new layer version; the functions move to it, and Lambda keeps a copy of the old
# one for any function still using it when it is deleted.
# ---------------------------------------------------------------------------------------------
resource "aws_lambda_layer_version" "extension" {
  count = var.extension_layer_zip == null ? 0 : 1

  layer_name               = "${local.name}-extension"
  description              = "Syncline ${var.replica_id}: extension jars (java/lib/) for the four functions"
  filename                 = var.extension_layer_zip
  source_code_hash         = filebase64sha256(var.extension_layer_zip)
  compatible_runtimes      = ["java17"]
  compatible_architectures = ["arm64"]

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------------------------
# Functions. All four run the same shaded jar, with the same layers and environment.
# - arm64: the jar is pure Java (url-connection HTTP client, no native code) and Graviton costs
#   about 20% less per GB-second.
# - The description carries the secret version, so rotating signing_secrets updates the
#   functions' configuration and Lambda moves invocations to fresh execution environments;
#   otherwise warm containers would keep the secrets they read at start.
# - Log format Text: the EMF lines must reach CloudWatch Logs exactly as printed; the JSON log
#   format would wrap them.
# ---------------------------------------------------------------------------------------------

# EventBridge invokes it asynchronously with the envelope; it applies the intent exactly once
# and forwards it to the peers at once. 60 s covers a cold start, a few conditional-write retries
# and one parallel send to the peers (2 s connect + 10 s request timeout each).
resource "aws_lambda_function" "intent" {
  function_name = local.function_names.intent
  description   = "Syncline ${var.replica_id}: applies write intents from EventBridge (secret version ${aws_secretsmanager_secret_version.signing.version_id})"
  role          = aws_iam_role.fn["intent"].arn

  runtime          = "java17"
  handler          = "dev.syncline.aws.EventBridgeIntentHandler::handleRequest"
  filename         = local.package
  source_code_hash = filebase64sha256(local.package)
  architectures    = ["arm64"]
  layers           = local.layers
  memory_size      = var.lambda_memory_mb
  timeout          = 60

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn["intent"].name
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.fn]

  lifecycle {
    # Checked here because a variable's validation cannot see another variable before
    # Terraform 1.9.
    precondition {
      condition     = !contains(keys(var.peers), var.replica_id)
      error_message = "peers must not contain this replica's own id (replica_id): a replica does not forward to itself."
    }
    # The same layers and environment are on all four functions, so checking them once is enough.
    precondition {
      condition     = length(local.layers) <= 5
      error_message = "A Lambda function takes at most five layers: extension_layer_zip counts as one, plus extension_layer_arns."
    }
    precondition {
      condition     = sum([for name, value in local.environment : length(name) + length(value)]) <= 4096
      error_message = "Lambda allows 4 KB for all environment variables together: put a large schemas document in the extension layer and set schemas = \"classpath:/<path>.json\"."
    }
  }
}

# Behind the Function URL. Senders give up after 10 s and retry later, so 20 s is enough for a
# cold start plus a durable merge; a merge that finishes after the sender gave up is still
# correct (merges are idempotent).
resource "aws_lambda_function" "ingress" {
  function_name = local.function_names.ingress
  description   = "Syncline ${var.replica_id}: HTTPS ingress for peers (secret version ${aws_secretsmanager_secret_version.signing.version_id})"
  role          = aws_iam_role.fn["ingress"].arn

  runtime                        = "java17"
  handler                        = "dev.syncline.aws.FunctionUrlIngressHandler::handleRequest"
  filename                       = local.package
  source_code_hash               = filebase64sha256(local.package)
  architectures                  = ["arm64"]
  layers                         = local.layers
  memory_size                    = var.lambda_memory_mb
  timeout                        = 20
  reserved_concurrent_executions = var.ingress_reserved_concurrency

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn["ingress"].name
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.fn]
}

# Invoked every minute by EventBridge Scheduler; drains up to 500 records per pass, 8 at a time
# (each record's peers in parallel), so a pass against an unreachable peer (up to 12 s per
# record) can take minutes: 300 s bounds it, and the next pass takes what is left.
#
# Reserved concurrency 1: overlapping passes would be safe (every write is conditional on the
# record's version and peers merge idempotently), but they would pick the same due records, send
# the same changes twice and lose write races to each other, and during a peer outage they would
# pile up and hammer the peer when it returns. With one slot, Lambda keeps the ticks that arrive
# during a long pass in its asynchronous queue and runs them one after another.
resource "aws_lambda_function" "drain" {
  function_name = local.function_names.drain
  description   = "Syncline ${var.replica_id}: scheduled outbox drain (secret version ${aws_secretsmanager_secret_version.signing.version_id})"
  role          = aws_iam_role.fn["drain"].arn

  runtime                        = "java17"
  handler                        = "dev.syncline.aws.OutboxDrainHandler::handleRequest"
  filename                       = local.package
  source_code_hash               = filebase64sha256(local.package)
  architectures                  = ["arm64"]
  layers                         = local.layers
  memory_size                    = var.lambda_memory_mb
  timeout                        = 300
  reserved_concurrent_executions = var.drain_reserved_concurrency

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn["drain"].name
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.fn]
}

# One anti-entropy round per tick of its schedule (every anti_entropy_period_minutes): this
# period's window of 64 buckets compared with every peer over its signed ingress, and at most
# anti_entropy_repairs differing records per peer pulled and pushed. The round goes through the
# peers one after another, so a slow peer lengthens it: 300 s bounds it, as for the drain, and a
# round cut short leaves its window to the next cycle. Not reserved: overlapping rounds (a long
# round and the next tick) compare different windows, and every repair is a join.
resource "aws_lambda_function" "anti_entropy" {
  function_name = local.function_names.anti_entropy
  description   = "Syncline ${var.replica_id}: scheduled anti-entropy round (secret version ${aws_secretsmanager_secret_version.signing.version_id})"
  role          = aws_iam_role.fn["anti_entropy"].arn

  runtime          = "java17"
  handler          = "dev.syncline.aws.AntiEntropyHandler::handleRequest"
  filename         = local.package
  source_code_hash = filebase64sha256(local.package)
  architectures    = ["arm64"]
  layers           = local.layers
  memory_size      = var.lambda_memory_mb
  timeout          = 300

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn["anti_entropy"].name
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.fn]
}

# ---------------------------------------------------------------------------------------------
# Function URL. Auth type NONE: peers in other clouds have no AWS credentials. Every request is
# authenticated inside the function by its Standard Webhooks signature (HMAC-SHA256 with the
# mesh's secrets, ±5 min timestamp, checked before the body is parsed); unsigned requests get
# 401 and never reach the tables. Payload format 2.0 is the Function URL's only format.
# With NONE the provider itself adds the resource-policy statement FunctionURLAllowPublicAccess
# (lambda:InvokeFunctionUrl, principal *, condition lambda:FunctionUrlAuthType = NONE).
# ---------------------------------------------------------------------------------------------
resource "aws_lambda_function_url" "ingress" {
  function_name      = aws_lambda_function.ingress.function_name
  authorization_type = "NONE"
  invoke_mode        = "BUFFERED"
}

# Function URLs created since October 2025 also need lambda:InvokeFunction for principal *,
# limited by the condition lambda:InvokedViaFunctionUrl = true (without it anyone could call
# Invoke directly). aws_lambda_permission gained that condition (invoked_via_function_url) only
# in provider 6.29.0, and this module is pinned to 5.100.0, so the AWS CLI adds the statement.
# The statement lives in the function's policy and goes away with the function; it is re-added
# whenever the function or its URL is replaced.
resource "terraform_data" "ingress_invoke_via_url" {
  count = var.grant_function_url_invoke_via_cli ? 1 : 0

  triggers_replace = [aws_lambda_function_url.ingress.function_arn, aws_lambda_function_url.ingress.url_id]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      aws lambda remove-permission --region "$REGION" --function-name "$FUNCTION" \
        --statement-id FunctionURLAllowInvokeAction >/dev/null 2>&1 || true
      aws lambda add-permission --region "$REGION" --function-name "$FUNCTION" \
        --statement-id FunctionURLAllowInvokeAction --action lambda:InvokeFunction \
        --principal '*' --invoked-via-function-url >/dev/null
    EOT

    environment = {
      REGION   = data.aws_region.current.name
      FUNCTION = aws_lambda_function.ingress.function_name
    }
  }
}
