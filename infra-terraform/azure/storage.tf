# Two storage accounts, on purpose:
#
# - `data` holds what Syncline owns: the records, dedupe and dead-letter tables and the Event Grid
#   dead-letter container. The function app reaches it only with its managed identity
#   (SYNCLINE_TABLES_ENDPOINT + DefaultAzureCredential), through role assignments on each table.
#
# - `runtime` is AzureWebJobsStorage: the Functions host's leases, timer schedule state, keys, and
#   (on Linux Consumption) the deployed package. On Linux Consumption the zip deployment that
#   `zip_deploy_file` performs stores the package through AzureWebJobsStorage's connection string;
#   identity-based AzureWebJobsStorage plus zip deploy is not supported there. So this account
#   needs an access key in the app's settings, and keeping it separate means that key opens
#   nothing of the replica's data.

resource "azurerm_storage_account" "data" {
  name                     = local.data_account_name
  resource_group_name      = local.resource_group_name
  location                 = var.location
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = var.data_account_replication_type

  min_tls_version                  = "TLS1_2"
  https_traffic_only_enabled       = true
  allow_nested_items_to_be_public  = false
  cross_tenant_replication_enabled = false
  default_to_oauth_authentication  = true

  # Shared Key stays on for Terraform alone: azurerm 4.30's azurerm_storage_table always talks
  # Shared Key to the table service (it reads the table ACLs on every refresh). Nothing at run
  # time uses a key: the app, Event Grid's dead-lettering and operators go through Entra ID.
  # Turn this off once the provider manages tables through Resource Manager.
  shared_access_key_enabled = true

  tags = local.tags
}

resource "azurerm_storage_table" "records" {
  name                 = var.records_table_name
  storage_account_name = azurerm_storage_account.data.name
}

resource "azurerm_storage_table" "dedupe" {
  name                 = var.dedupe_table_name
  storage_account_name = azurerm_storage_account.data.name
}

resource "azurerm_storage_table" "dead_letters" {
  name                 = var.dead_letters_table_name
  storage_account_name = azurerm_storage_account.data.name
}

# Intents Event Grid could not deliver after its retries land here as JSON blobs, under
# <SUBSCRIPTION NAME IN UPPER CASE>/<year>/<month>/<day>/<hour>/.
resource "azurerm_storage_container" "dead_letters" {
  name                  = local.dead_letter_container
  storage_account_id    = azurerm_storage_account.data.id
  container_access_type = "private"
}

resource "azurerm_storage_account" "runtime" {
  name                     = local.runtime_account_name
  resource_group_name      = local.resource_group_name
  location                 = var.location
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  min_tls_version                  = "TLS1_2"
  https_traffic_only_enabled       = true
  allow_nested_items_to_be_public  = false
  cross_tenant_replication_enabled = false

  # Required by the Functions host on Linux Consumption (see the note at the top of this file).
  shared_access_key_enabled = true

  tags = local.tags
}

# The app's own identity may read and write exactly the three tables, nothing else of the account.
# A table is the narrowest scope Azure RBAC offers for Table Storage. The role's read covers what
# anti-entropy added: bucket range queries on the records table (the AntiEntropy timer, and the
# ingress answering a peer's digests) and listing and reading dead letters (/admin/dead-letters).
locals {
  app_tables = {
    records      = azurerm_storage_table.records.resource_manager_id
    dedupe       = azurerm_storage_table.dedupe.resource_manager_id
    dead_letters = azurerm_storage_table.dead_letters.resource_manager_id
  }
}

resource "azurerm_role_assignment" "app_tables" {
  for_each = local.app_tables

  scope                = each.value
  role_definition_name = "Storage Table Data Contributor"
  principal_id         = azurerm_linux_function_app.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "Syncline ${var.replica_id}: the function app reads and writes table ${each.key}."
}
