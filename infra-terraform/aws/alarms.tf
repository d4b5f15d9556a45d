# Every alarm notifies this topic, on ALARM and on OK. Not encrypted: CloudWatch can only publish
# to an encrypted topic through a customer-managed key with a key policy for it, and alarm
# notifications carry no secrets.
resource "aws_sns_topic" "alarms" {
  name = "${local.name}-alarms"

  tags = local.tags
}

# SNS mails a confirmation link first; until it is clicked the subscription stays pending.
resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]
}

# ---------------------------------------------------------------------------------------------
# Dead-letter queues: any message at all means something was not delivered.
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_metric_alarm" "intents_dlq" {
  alarm_name          = "${local.name}-intents-dlq-not-empty"
  alarm_description   = "Write intents were not applied: EventBridge could not invoke the intent function, or it kept failing. Read them from SQS ${aws_sqs_queue.intents_dlq.name}, fix the cause, replay with aws events put-events (dedupe makes replays safe)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.intents_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  # SQS stops publishing for a queue that stays idle; idle means empty here.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.alarm_actions
  ok_actions         = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "drain_schedule_dlq" {
  alarm_name          = "${local.name}-drain-schedule-dlq-not-empty"
  alarm_description   = "EventBridge Scheduler could not invoke the outbox drain (see the messages in SQS ${aws_sqs_queue.drain_schedule_dlq.name} for the error): changes are not being forwarded to peers until it is fixed."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.drain_schedule_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "anti_entropy_schedule_dlq" {
  alarm_name          = "${local.name}-anti-entropy-schedule-dlq-not-empty"
  alarm_description   = "EventBridge Scheduler could not invoke the anti-entropy function (see the messages in SQS ${aws_sqs_queue.anti_entropy_schedule_dlq.name} for the error): differences between replicas that replication missed are not being repaired until it is fixed."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.anti_entropy_schedule_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# ---------------------------------------------------------------------------------------------
# Metrics the functions emit in Embedded Metric Format (namespace Syncline, dimension ReplicaId).
# They exist only while something is counted or measured, so missing data is not breaching.
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${local.name}-dead-letters"
  alarm_description   = "Changes or intents were dead-lettered into the DynamoDB table ${aws_dynamodb_table.dead_letters.name} (changes undelivered for 7 days or refused by a peer; intents that can never apply). Each item has kind, subject, eventId, reason, at and the payload for replay."
  namespace           = "Syncline"
  metric_name         = "DeadLetters"
  dimensions          = { ReplicaId = var.replica_id }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# Sender-side replication lag: the age of the oldest change still owed to a peer after a drain
# pass. Missing data is not breaching: no datapoint means no drain pass reported one (e.g. no
# peers); a drain that stops running is caught by the drain-not-running, drain-errors and
# drain-schedule-DLQ alarms instead of leaving this one stuck in ALARM or INSUFFICIENT_DATA.
resource "aws_cloudwatch_metric_alarm" "replication_lag" {
  alarm_name          = "${local.name}-replication-lag"
  alarm_description   = "A change has been owed to a peer for more than ${var.replication_lag_alarm_seconds} s (OutboxAge): a peer is unreachable or refusing. The outbox keeps retrying with backoff; after 7 days changes go to ${aws_dynamodb_table.dead_letters.name}."
  namespace           = "Syncline"
  metric_name         = "OutboxAge"
  dimensions          = { ReplicaId = var.replica_id }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.replication_lag_alarm_seconds * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# ---------------------------------------------------------------------------------------------
# Lambda's own metrics.
# ---------------------------------------------------------------------------------------------

locals {
  # The anti-entropy function runs once a period; its alarms' periods must hold at least one run.
  anti_entropy_error_period  = 60 * max(5, var.anti_entropy_period_minutes)
  anti_entropy_silent_period = 60 * max(5, 2 * var.anti_entropy_period_minutes)
}

# Unhandled errors or timeouts in 2 of the last 3 periods: five minutes, or for the anti-entropy
# function its schedule's period if longer (so that two failed rounds in a row fire it). A single
# failure is often by design (the intent function throws on transient errors so that it is
# retried), a lasting one is not. The DLQ alarms above are the ones that mean something was lost.
# An anti-entropy round fails only when its own store cannot be read or it times out; a peer that
# does not answer is named in its summary line, not an error.
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = {
    intent       = { name = aws_lambda_function.intent.function_name, period = 300 }
    ingress      = { name = aws_lambda_function.ingress.function_name, period = 300 }
    drain        = { name = aws_lambda_function.drain.function_name, period = 300 }
    anti_entropy = { name = aws_lambda_function.anti_entropy.function_name, period = local.anti_entropy_error_period }
  }

  alarm_name          = "${each.value.name}-errors"
  alarm_description   = "The ${each.key} function of Syncline ${var.replica_id} keeps failing (unhandled errors or timeouts); see its log group /aws/lambda/${each.value.name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value.name }
  statistic           = "Sum"
  period              = each.value.period
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# Heartbeat: the drain runs every minute, so ten minutes without an invocation means the schedule
# is disabled or gone. Lambda publishes no datapoint for zero invocations, hence breaching.
resource "aws_cloudwatch_metric_alarm" "drain_not_running" {
  alarm_name          = "${local.name}-drain-not-running"
  alarm_description   = "The outbox drain ${aws_lambda_function.drain.function_name} has not run for 10 minutes (schedule ${aws_scheduler_schedule.drain.name} disabled or deleted?): changes are not forwarded to peers."
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = aws_lambda_function.drain.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}

# Heartbeat of the anti-entropy schedule: no invocation in two alarm periods of
# max(5, 2 x anti_entropy_period_minutes) minutes (at least two missed rounds) means the schedule
# is disabled or gone. Breaching on missing data, as for the drain.
resource "aws_cloudwatch_metric_alarm" "anti_entropy_not_running" {
  alarm_name          = "${local.name}-anti-entropy-not-running"
  alarm_description   = "The anti-entropy function ${aws_lambda_function.anti_entropy.function_name} has not run for ${2 * local.anti_entropy_silent_period / 60} minutes (schedule ${aws_scheduler_schedule.anti_entropy.name} disabled or deleted?): differences between replicas that replication missed are not repaired."
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = aws_lambda_function.anti_entropy.function_name }
  statistic           = "Sum"
  period              = local.anti_entropy_silent_period
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = local.tags
}
