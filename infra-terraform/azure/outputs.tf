output "replica_id" {
  description = "This replica's id (SYNCLINE_REPLICA_ID)."
  value       = var.replica_id
}

output "ingress_url" {
  description = "Base URL of this replica's HTTPS ingress; peers POST to {ingress_url}/events. Computed from variables only (not read from the function app) so that replicas can reference each other's URLs without a dependency cycle."
  value       = "https://${local.app_name}.azurewebsites.net"
}

output "intent_topic_endpoint" {
  description = "Event Grid topic endpoint where applications publish write intents (CloudEvents 1.0, type dev.syncline.record.write.v1)."
  value       = azurerm_eventgrid_topic.intents.endpoint
}

output "intent_topic_id" {
  description = "Resource id of the intent topic (the scope for EventGrid Data Sender role assignments)."
  value       = azurerm_eventgrid_topic.intents.id
}

output "intent_event_type" {
  description = "The only event type the subscription forwards to the function."
  value       = local.intent_event_type
}

output "intent_dead_letter_container" {
  description = "Where Event Grid dead-letters intents it could not deliver: storage account, container and URL."
  value = {
    storage_account_name = azurerm_storage_account.data.name
    container_name       = azurerm_storage_container.dead_letters.name
    url                  = "${azurerm_storage_account.data.primary_blob_endpoint}${azurerm_storage_container.dead_letters.name}"
  }
}

output "dead_letters_table" {
  description = "Table Storage table holding unappliable intents and changes the outbox gave up on (storage account and table name)."
  value = {
    storage_account_name = azurerm_storage_account.data.name
    table_name           = azurerm_storage_table.dead_letters.name
  }
}

output "tables_endpoint" {
  description = "Table endpoint of the data storage account (SYNCLINE_TABLES_ENDPOINT)."
  value       = trimsuffix(azurerm_storage_account.data.primary_table_endpoint, "/")
}

output "function_app_name" {
  description = "Name of the Linux function app (for az functionapp commands and log queries)."
  value       = azurerm_linux_function_app.this.name
}

output "resource_group_name" {
  description = "Resource group that holds this replica."
  value       = local.resource_group_name
}

output "signing_secret_id" {
  description = "Versionless id (URI) of the Key Vault secret holding the signing secrets. Never the value."
  value       = azurerm_key_vault_secret.signing.versionless_id
}

output "action_group_id" {
  description = "Action group every alert of this replica notifies; attach more receivers to it as needed."
  value       = azurerm_monitor_action_group.this.id
}

output "application_insights_id" {
  description = "Application Insights component whose traces carry the syncline-metric lines."
  value       = azurerm_application_insights.this.id
}
