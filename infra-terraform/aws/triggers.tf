# ---------------------------------------------------------------------------------------------
# Dead-letter queues. Two, because what lands in them differs:
# - intents DLQ: write intents that never got applied (EventBridge could not invoke the intent
#   function, or the function kept failing through Lambda's asynchronous retries). Each message
#   holds the intent and can be replayed: dedupe makes a replay of an applied intent harmless.
# - drain schedule DLQ, anti-entropy schedule DLQ: ticks EventBridge Scheduler could not hand to
#   the drain or the anti-entropy function (missing permission, deleted function). Nothing to
#   replay, the next tick supersedes it; they exist to make a broken schedule loud.
# 14 days, SQS's maximum retention. SQS-managed SSE, because EventBridge and Scheduler can write
# to it without a customer-managed key and a key policy.
# ---------------------------------------------------------------------------------------------
resource "aws_sqs_queue" "intents_dlq" {
  name                      = "${local.name}-intents-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

resource "aws_sqs_queue" "drain_schedule_dlq" {
  name                      = "${local.name}-drain-schedule-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

resource "aws_sqs_queue" "anti_entropy_schedule_dlq" {
  name                      = "${local.name}-anti-entropy-schedule-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

# EventBridge writes a rule target's dead letters as the events service, so the queue's own
# policy must let it, and only for this rule. (Lambda's on-failure destination and Scheduler use
# IAM roles instead.)
data "aws_iam_policy_document" "intents_dlq" {
  statement {
    sid       = "IntentRuleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.intents_dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.intents.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "intents_dlq" {
  queue_url = aws_sqs_queue.intents_dlq.url
  policy    = data.aws_iam_policy_document.intents_dlq.json
}

# ---------------------------------------------------------------------------------------------
# Write intents: applications put-events onto this bus with detail-type
# dev.syncline.record.write.v1 and the structured-mode CloudEvent as detail.
# ---------------------------------------------------------------------------------------------
resource "aws_cloudwatch_event_bus" "intents" {
  name = "${local.name}-intents"

  tags = local.tags
}

resource "aws_cloudwatch_event_rule" "intents" {
  name           = "${local.name}-intents"
  description    = "Syncline ${var.replica_id}: write intents to the intent function"
  event_bus_name = aws_cloudwatch_event_bus.intents.name
  event_pattern  = jsonencode({ "detail-type" = [local.intent_type] })

  tags = local.tags
}

# EventBridge's retries cover handing the event to Lambda (throttled or failed Invoke calls):
# EventBridge's maxima, 24 h and 185 attempts, since an intent is only lost once they run out.
resource "aws_cloudwatch_event_target" "intent" {
  event_bus_name = aws_cloudwatch_event_bus.intents.name
  rule           = aws_cloudwatch_event_rule.intents.name
  target_id      = "intent-function"
  arn            = aws_lambda_function.intent.arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.intents_dlq.arn
  }

  depends_on = [aws_sqs_queue_policy.intents_dlq]
}

resource "aws_lambda_permission" "intent_from_rule" {
  statement_id  = "AllowIntentRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.intent.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.intents.arn
}

# Once Lambda has accepted the event, its own asynchronous retries apply. The function throws
# only on transient errors (DynamoDB unavailable, a concurrent duplicate holding the 2-minute
# dedupe lease), so Lambda's maximum of 2 retries, spread over minutes, and its maximum event age
# (6 h) fit; after them the event, with the error, goes to the intents DLQ.
resource "aws_lambda_function_event_invoke_config" "intent" {
  function_name                = aws_lambda_function.intent.function_name
  maximum_event_age_in_seconds = 21600
  maximum_retry_attempts       = 2

  destination_config {
    on_failure {
      destination = aws_sqs_queue.intents_dlq.arn
    }
  }

  # Lambda checks that the function's role may send to the destination.
  depends_on = [aws_iam_role_policy.fn]
}

# ---------------------------------------------------------------------------------------------
# The drain, every minute. Flexible window OFF: the schedule is the retry clock of the outbox.
# Scheduler invokes Lambda asynchronously; its retries cover only a failed hand-over, and a tick
# older than 5 minutes is worthless (newer ticks do the same work), so it goes to the DLQ then.
# ---------------------------------------------------------------------------------------------
data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account may use the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${local.name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json

  tags = local.tags
}

# Scheduler delivers its dead letters with the schedule's execution role, hence SendMessage on
# the schedule's DLQ besides invoking the drain.
data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeDrain"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.drain.arn]
  }

  statement {
    sid       = "ScheduleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.drain_schedule_dlq.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "syncline-drain-schedule"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "drain" {
  name                = "${local.name}-drain"
  group_name          = "default"
  description         = "Syncline ${var.replica_id}: outbox drain every minute"
  schedule_expression = "rate(1 minute)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.drain.arn
    role_arn = aws_iam_role.scheduler.arn
    # The drain ignores its input.
    input = "{}"

    retry_policy {
      maximum_event_age_in_seconds = 300
      maximum_retry_attempts       = 5
    }

    dead_letter_config {
      arn = aws_sqs_queue.drain_schedule_dlq.arn
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

# ---------------------------------------------------------------------------------------------
# Anti-entropy, every anti_entropy_period_minutes: the same rate as SYNCLINE_ANTI_ENTROPY_PERIOD
# (both from local.anti_entropy_period*), because a round picks its window of buckets from the
# clock and the period. Flexible window OFF for the same reason. A tick that cannot be handed
# over within the period is worthless (the next one compares the next window), so it goes to its
# DLQ then. Its own role: it may invoke only the anti-entropy function and write only its DLQ.
# ---------------------------------------------------------------------------------------------
resource "aws_iam_role" "anti_entropy_scheduler" {
  # "-ae-sched": the role name stops at 64 characters.
  name               = "${local.name}-ae-sched"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "anti_entropy_scheduler" {
  statement {
    sid       = "InvokeAntiEntropy"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.anti_entropy.arn]
  }

  statement {
    sid       = "ScheduleDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.anti_entropy_schedule_dlq.arn]
  }
}

resource "aws_iam_role_policy" "anti_entropy_scheduler" {
  name   = "syncline-anti-entropy-schedule"
  role   = aws_iam_role.anti_entropy_scheduler.id
  policy = data.aws_iam_policy_document.anti_entropy_scheduler.json
}

resource "aws_scheduler_schedule" "anti_entropy" {
  name                = "${local.name}-ae"
  group_name          = "default"
  description         = "Syncline ${var.replica_id}: anti-entropy round every ${var.anti_entropy_period_minutes} min (SYNCLINE_ANTI_ENTROPY_PERIOD ${local.anti_entropy_period})"
  schedule_expression = local.anti_entropy_schedule

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.anti_entropy.arn
    role_arn = aws_iam_role.anti_entropy_scheduler.arn
    # The anti-entropy function ignores its input.
    input = "{}"

    retry_policy {
      maximum_event_age_in_seconds = 60 * var.anti_entropy_period_minutes
      maximum_retry_attempts       = 5
    }

    dead_letter_config {
      arn = aws_sqs_queue.anti_entropy_schedule_dlq.arn
    }
  }

  depends_on = [aws_iam_role_policy.anti_entropy_scheduler]
}
