# Three replicas, one per cloud, in a full mesh: each cloud's functions forward to the other two.
#
# The wiring has no dependency cycle because the Azure and Google Cloud ingress URLs are computed
# from those modules' variables (app and function names are chosen, not generated); only AWS's
# Function URL is known after its function exists. So AWS is created first and its URL flows to
# the other two, while their URLs are known from the start.

locals {
  replica = {
    aws   = "aws-${var.aws_region}"
    azure = "azure-${var.azure_location}"
    gcp   = "gcp-${var.gcp_region}"
  }

  # One Standard Webhooks secret for the whole mesh: every replica signs with it and accepts it.
  # It lives only in the state (keep the state in an encrypted backend) and in each cloud's
  # secret store; to rotate, see the README.
  signing_secrets = ["whsec_${random_bytes.mesh_secret.base64}"]
}

resource "random_bytes" "mesh_secret" {
  length = 32
}

module "aws" {
  source = "../../aws"

  replica_id      = local.replica.aws
  signing_secrets = local.signing_secrets
  alarm_email     = var.alarm_email
  peers = {
    (local.replica.azure) = module.azure.ingress_url
    (local.replica.gcp)   = module.gcp.ingress_url
  }
}

module "azure" {
  source = "../../azure"

  replica_id      = local.replica.azure
  location        = var.azure_location
  signing_secrets = local.signing_secrets
  alarm_email     = var.alarm_email
  peers = {
    (local.replica.aws) = module.aws.ingress_url
    (local.replica.gcp) = module.gcp.ingress_url
  }
}

module "gcp" {
  source = "../../gcp"

  replica_id      = local.replica.gcp
  project_id      = var.gcp_project_id
  region          = var.gcp_region
  bigtable_zone   = var.gcp_bigtable_zone
  signing_secrets = local.signing_secrets
  alarm_email     = var.alarm_email
  peers = {
    (local.replica.aws)   = module.aws.ingress_url
    (local.replica.azure) = module.azure.ingress_url
  }
}
