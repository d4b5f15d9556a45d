output "replica_id" {
  description = "This replica's id (the key other replicas use for it in their peers map)."
  value       = var.replica_id
}

output "ingress_url" {
  # The Function URL ends with '/'; peers append /events, so hand them the base without it.
  description = "Base URL of this replica's HTTPS ingress (Function URL, no trailing slash). Peers POST signed changes to {ingress_url}/events; put it in the other replicas' peers map."
  value       = trimsuffix(aws_lambda_function_url.ingress.function_url, "/")
}

output "event_bus_name" {
  description = "EventBridge bus applications publish write intents to (detail-type dev.syncline.record.write.v1, detail = the structured CloudEvent)."
  value       = aws_cloudwatch_event_bus.intents.name
}

output "event_bus_arn" {
  description = "ARN of the intent bus, for the publishers' events:PutEvents permission."
  value       = aws_cloudwatch_event_bus.intents.arn
}

output "dead_letter_queue_url" {
  description = "URL of the SQS queue that receives write intents that were never applied (EventBridge target DLQ and the intent function's on-failure destination)."
  value       = aws_sqs_queue.intents_dlq.url
}

output "dead_letter_queue_arn" {
  description = "ARN of the intents dead-letter queue."
  value       = aws_sqs_queue.intents_dlq.arn
}

output "drain_schedule_dead_letter_queue_url" {
  description = "URL of the SQS queue that receives drain ticks EventBridge Scheduler could not deliver."
  value       = aws_sqs_queue.drain_schedule_dlq.url
}

output "drain_schedule_dead_letter_queue_arn" {
  description = "ARN of the drain schedule's dead-letter queue."
  value       = aws_sqs_queue.drain_schedule_dlq.arn
}

output "anti_entropy_schedule_dead_letter_queue_url" {
  description = "URL of the SQS queue that receives anti-entropy ticks EventBridge Scheduler could not deliver."
  value       = aws_sqs_queue.anti_entropy_schedule_dlq.url
}

output "anti_entropy_schedule_dead_letter_queue_arn" {
  description = "ARN of the anti-entropy schedule's dead-letter queue."
  value       = aws_sqs_queue.anti_entropy_schedule_dlq.arn
}

output "dead_letters_table_name" {
  description = "DynamoDB table of dead-lettered changes and unappliable intents (SYNCLINE_DEAD_LETTERS_TABLE)."
  value       = aws_dynamodb_table.dead_letters.name
}

output "records_table_name" {
  description = "DynamoDB table of the replicated records (SYNCLINE_RECORDS_TABLE)."
  value       = aws_dynamodb_table.records.name
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of this replica notifies; subscribe more endpoints to it."
  value       = aws_sns_topic.alarms.arn
}

output "signing_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the signing secrets (the ARN only, never the value)."
  value       = aws_secretsmanager_secret.signing.arn
}

output "function_names" {
  description = "Lambda function names by role: intent, ingress, drain, anti_entropy."

  value = {
    intent       = aws_lambda_function.intent.function_name
    ingress      = aws_lambda_function.ingress.function_name
    drain        = aws_lambda_function.drain.function_name
    anti_entropy = aws_lambda_function.anti_entropy.function_name
  }
}
