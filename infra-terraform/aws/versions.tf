terraform {
  # 1.6 is the floor every Syncline module shares (this one needs 1.4 for terraform_data).
  required_version = ">= 1.6.0, < 2.0.0"

  # No provider block: the caller configures the aws provider (region, credentials).
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.100.0"
    }
  }
}
