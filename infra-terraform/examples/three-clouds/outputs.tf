output "ingress_urls" {
  description = "Each replica's HTTPS ingress (peers POST to <url>/events; GET <url>/records/<entity>/<id> reads a record, signed)."
  value = {
    (module.aws.replica_id)   = module.aws.ingress_url
    (module.azure.replica_id) = module.azure.ingress_url
    (module.gcp.replica_id)   = module.gcp.ingress_url
  }
}

output "aws_event_bus_name" {
  description = "Where applications on AWS publish write intents (EventBridge PutEvents, detail-type dev.syncline.record.write.v1)."
  value       = module.aws.event_bus_name
}

output "azure_intent_topic_endpoint" {
  description = "Where applications on Azure publish write intents (Event Grid, CloudEvents 1.0 schema)."
  value       = module.azure.intent_topic_endpoint
}

output "gcp_intent_topic" {
  description = "Where applications on Google Cloud publish write intents (Pub/Sub, the structured CloudEvent as the message data)."
  value       = module.gcp.intents_topic
}

output "alarm_targets" {
  description = "Where each cloud's alarms go: the SNS topic, the action group and the notification channels."
  value = {
    aws   = module.aws.alarm_topic_arn
    azure = module.azure.action_group_id
    gcp   = module.gcp.notification_channels
  }
}

output "signing_secrets" {
  description = "Each replica's own signing secret, by replica id: sign a request to a replica's ingress with its secret (terraform output -json signing_secrets)."
  value       = local.secrets
  sensitive   = true
}
