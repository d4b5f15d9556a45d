terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.40.0"
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

# No provider blocks: the caller configures hashicorp/google (credentials, default project) and
# passes it in. Every resource here names var.project_id explicitly, so the provider's default
# project does not matter.
