terraform {
  # 1.6 is the floor the three Syncline modules share; nothing here needs a newer language
  # feature (cross-variable validation, write-only attributes) so that older CI images still work.
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "= 4.30.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "= 2.7.1"
    }
    local = {
      source  = "hashicorp/local"
      version = "= 2.5.3"
    }
  }
}

# No provider blocks: the caller configures azurerm (subscription, credentials, `features {}`),
# so that one root module can place several replicas in different subscriptions.
