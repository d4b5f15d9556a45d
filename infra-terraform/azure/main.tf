data "azurerm_client_config" "current" {}

locals {
  # SYNCLINE_SECRETS (functions-*/README.md): this replica's own secrets, current first, then
  # each peer's current secret as replica=secret, then each subscriber's as name=secret.
  subscriber_secrets = var.subscriber_secrets == null ? {} : var.subscriber_secrets
  signing_secrets = join(",", concat(
    var.inbound_secrets,
    [for id in sort(keys(var.peer_secrets)) : "${id}=${var.peer_secrets[id]}"],
    [for name in sort(keys(local.subscriber_secrets)) : "${name}=${local.subscriber_secrets[name]}"],
  ))

  # Every name derives from name_prefix and replica_id, so several replicas can share a
  # subscription. The function app's name must stay computable from variables alone: the
  # three-cloud example feeds each replica's ingress_url into the others' SYNCLINE_PEERS, and
  # reading it from the resource would create a dependency cycle.
  base     = "${var.name_prefix}-${var.replica_id}"
  app_name = local.base

  # Storage account and Key Vault names are global and short (24 characters): a compacted base
  # plus 6 hex characters of a hash of subscription and base, so that the same replica id in
  # another subscription does not collide, and a re-apply keeps the same names.
  compact = substr(replace(local.base, "-", ""), 0, 15)
  unique  = substr(sha1("${data.azurerm_client_config.current.subscription_id}/${local.base}"), 0, 6)

  data_account_name    = "${local.compact}${local.unique}d"
  runtime_account_name = "${local.compact}${local.unique}r"
  key_vault_name       = "${substr(local.compact, 0, 13)}-kv-${local.unique}"

  # Event Grid topic names stop at 50 characters.
  topic_name              = "${substr(local.base, 0, 42)}-intents"
  intent_subscription     = "${var.name_prefix}-intents"
  intent_event_type       = "dev.syncline.record.write.v1"
  dead_letter_container   = "eventgrid-dead-letters"
  signing_secret_name     = "syncline-signing-secrets"
  action_group_short_name = substr(replace(local.base, "-", ""), 0, 12)

  resource_group_name = var.existing_resource_group_name == null ? azurerm_resource_group.this[0].name : data.azurerm_resource_group.existing[0].name

  tags = merge(var.tags, {
    "syncline-replica" = var.replica_id
  })
}

# The module creates its own group by default: one replica, one group, and `terraform destroy`
# leaves nothing behind. Deployers who may only write into a pre-provisioned group pass its name.
resource "azurerm_resource_group" "this" {
  count = var.existing_resource_group_name == null ? 1 : 0

  name     = "${local.base}-rg"
  location = var.location
  tags     = local.tags
}

data "azurerm_resource_group" "existing" {
  count = var.existing_resource_group_name == null ? 0 : 1

  name = var.existing_resource_group_name
}

# ---------------------------------------------------------------------------------------------
# Monitoring: workspace-based Application Insights. The functions' `syncline-metric {...}` lines
# land in its `traces` table, which the alerts in alerts.tf query.
# ---------------------------------------------------------------------------------------------

resource "azurerm_log_analytics_workspace" "this" {
  name                = "${local.base}-logs"
  resource_group_name = local.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}

resource "azurerm_application_insights" "this" {
  name                = "${local.base}-insights"
  resource_group_name = local.resource_group_name
  location            = var.location
  workspace_id        = azurerm_log_analytics_workspace.this.id
  application_type    = "java"
  tags                = local.tags
}
