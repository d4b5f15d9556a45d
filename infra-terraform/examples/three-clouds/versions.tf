terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  # The same exact pins as the modules: one version of each provider in the whole configuration.
  required_providers {
    aws     = { source = "hashicorp/aws", version = "= 5.100.0" }
    azurerm = { source = "hashicorp/azurerm", version = "= 4.30.0" }
    google  = { source = "hashicorp/google", version = "= 6.40.0" }
    random  = { source = "hashicorp/random", version = "= 3.7.2" }
    archive = { source = "hashicorp/archive", version = "= 2.7.1" }
    local   = { source = "hashicorp/local", version = "= 2.5.3" }
  }
}

provider "aws" {
  region = var.aws_region
}

provider "azurerm" {
  features {}
  subscription_id = var.azure_subscription_id
}

provider "google" {
  project = var.gcp_project_id
  region  = var.gcp_region
}
