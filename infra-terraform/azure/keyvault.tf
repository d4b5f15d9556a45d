# The signing secrets live only in Key Vault. The app reads them through an App Service Key Vault
# reference (SYNCLINE_SECRETS = @Microsoft.KeyVault(SecretUri=...)), so the app needs no Key
# Vault client and the value never appears in the app's settings.

resource "azurerm_key_vault" "this" {
  name                = local.key_vault_name
  resource_group_name = local.resource_group_name
  location            = var.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"

  # RBAC rather than access policies: access can then be granted per secret.
  enable_rbac_authorization  = true
  purge_protection_enabled   = var.key_vault_purge_protection_enabled
  soft_delete_retention_days = var.key_vault_soft_delete_retention_days

  # The Consumption plan has no virtual network integration, so App Service resolves the
  # reference over the public endpoint; access is still RBAC-only.
  public_network_access_enabled = true

  tags = local.tags
}

# Whoever runs Terraform must be able to write the secret. Under RBAC authorization even the
# vault's creator has no data-plane access until a role says so.
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
  description          = "Syncline ${var.replica_id}: lets the Terraform caller write the signing secret."
}

resource "azurerm_key_vault_secret" "signing" {
  name         = local.signing_secret_name
  key_vault_id = azurerm_key_vault.this.id
  value        = local.signing_secrets
  content_type = "Standard Webhooks secrets, comma separated: this replica's own (whsec_..., current first), then replica=whsec_... for each peer, then name=whsec_... for each change-feed subscriber"
  tags         = local.tags

  # The role must exist before the write, and (on destroy) outlive the secret's deletion.
  depends_on = [azurerm_role_assignment.deployer_secrets_officer]

  lifecycle {
    precondition {
      condition     = alltrue([for id in keys(var.peers) : contains(nonsensitive(keys(var.peer_secrets)), id)])
      error_message = "peer_secrets needs the current secret of every replica in peers: each peer verifies what it receives with its own secret."
    }
    precondition {
      condition     = alltrue([for name in keys(var.subscribers) : contains(nonsensitive(keys(local.subscriber_secrets)), name)])
      error_message = "subscriber_secrets needs a secret for every subscriber in subscribers: the change feed is signed."
    }
    # Peers and subscribers share the secret's name=secret entries, so a name may be only one of them.
    precondition {
      condition     = length(setintersection(keys(var.subscribers), concat(keys(var.peers), [var.replica_id]))) == 0
      error_message = "A subscriber name must not be replica_id or a peer's replica id: their secrets share one list of name=secret entries."
    }
    precondition {
      condition     = length(setintersection(nonsensitive(keys(local.subscriber_secrets)), concat(keys(var.peers), [var.replica_id]))) == 0
      error_message = "A key of subscriber_secrets must not be replica_id or a peer's replica id: the functions refuse a name given two secrets."
    }
  }
}

# Key Vault references are resolved by App Service with the identity named in
# key_vault_reference_identity_id. A system-assigned identity only exists once the app does, so
# its role would come after the app's first start (the zip deployment starts it); an unresolved
# reference reaches the app as the literal `@Microsoft.KeyVault(...)` text, and App Service only
# refetches references every 24 hours or on a configuration change. A user-assigned identity can
# hold its role before the app exists (Microsoft's documented answer for references needed at
# creation time). The app's data access still uses its system-assigned identity.
resource "azurerm_user_assigned_identity" "key_vault_reference" {
  name                = "${local.base}-kvref"
  resource_group_name = local.resource_group_name
  location            = var.location
  tags                = local.tags
}

resource "azurerm_role_assignment" "key_vault_reference_secret_user" {
  scope                = azurerm_key_vault_secret.signing.resource_versionless_id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.key_vault_reference.principal_id
  principal_type       = "ServicePrincipal"
  description          = "Syncline ${var.replica_id}: App Service resolves SYNCLINE_SECRETS with this identity."
}
