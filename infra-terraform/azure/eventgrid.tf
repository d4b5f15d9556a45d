# Applications publish write intents (CloudEvents 1.0) to this topic; one subscription hands
# each to the EventGridIntent function.

resource "azurerm_eventgrid_topic" "intents" {
  name                = local.topic_name
  resource_group_name = local.resource_group_name
  location            = var.location
  input_schema        = "CloudEventSchemaV1_0"

  # Entra ID only by default: no shared key to leak or rotate, and each publisher is a named
  # principal with EventGrid Data Sender on this topic. Keys can be turned on for quick tests.
  local_auth_enabled            = var.topic_local_auth_enabled
  public_network_access_enabled = true

  # The subscription dead-letters with this identity, so the data account needs no key for it.
  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

resource "azurerm_role_assignment" "intent_publishers" {
  for_each = toset(var.intent_publisher_principal_ids)

  scope                = azurerm_eventgrid_topic.intents.id
  role_definition_name = "EventGrid Data Sender"
  principal_id         = each.value
  description          = "Syncline ${var.replica_id}: may publish write intents."
}

resource "azurerm_role_assignment" "topic_dead_letter_writer" {
  scope                = "${azurerm_storage_account.data.id}/blobServices/default/containers/${azurerm_storage_container.dead_letters.name}"
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_eventgrid_topic.intents.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "Syncline ${var.replica_id}: Event Grid writes undeliverable intents into ${azurerm_storage_container.dead_letters.name}."
}

resource "azurerm_eventgrid_event_subscription" "intents" {
  name                  = local.intent_subscription
  scope                 = azurerm_eventgrid_topic.intents.id
  event_delivery_schema = "CloudEventSchemaV1_0"
  included_event_types  = [local.intent_event_type]

  azure_function_endpoint {
    # The function applies one intent per invocation; batching would make one bad intent
    # redeliver its neighbours.
    function_id          = "${azurerm_linux_function_app.this.id}/functions/EventGridIntent"
    max_events_per_batch = 1
  }

  # DESIGN §5: Event Grid redelivers for up to 24 h (1440 minutes, its maximum) and at most 30
  # times; the dedupe store keeps intent keys at least that long.
  retry_policy {
    max_delivery_attempts = 30
    event_time_to_live    = 1440
  }

  dead_letter_identity {
    type = "SystemAssigned"
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.data.id
    storage_blob_container_name = azurerm_storage_container.dead_letters.name
  }

  # Without its role Event Grid would drop, not dead-letter, what it cannot deliver; and the
  # first intents should find the app already allowed into its tables.
  depends_on = [
    azurerm_role_assignment.topic_dead_letter_writer,
    azurerm_role_assignment.app_tables,
  ]
}
