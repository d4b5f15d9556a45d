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

  # One Standard Webhooks secret per replica (DESIGN section 6): a replica's ingress verifies with
  # its own, and the others sign what they send it with that one. They live only in the state
  # (keep the state in an encrypted backend) and in each cloud's secret store; to rotate, see the
  # README.
  secrets = { for cloud, id in local.replica : id => "whsec_${random_bytes.secret[cloud].base64}" }

  # For each replica, every other replica's secret.
  peer_secrets = { for cloud, id in local.replica : cloud => { for peer, secret in local.secrets : peer => secret if peer != id } }
}

resource "random_bytes" "secret" {
  for_each = local.replica
  length   = 32
}

module "aws" {
  source = "../../aws"

  replica_id      = local.replica.aws
  inbound_secrets = [local.secrets[local.replica.aws]]
  peer_secrets    = local.peer_secrets.aws
  alarm_email     = var.alarm_email

  anti_entropy_period_minutes = var.anti_entropy_period_minutes
  anti_entropy_repairs        = var.anti_entropy_repairs

  # The extension beside the stock package: on AWS a layer (its jars under java/lib/).
  extension_layer_zip = var.extension_layer_zip
  schemas             = var.schemas
  subscribers         = var.subscribers.aws
  subscriber_secrets  = try(var.subscriber_secrets.aws, null)

  peers = {
    (local.replica.azure) = module.azure.ingress_url
    (local.replica.gcp)   = module.gcp.ingress_url
  }
}

module "azure" {
  source = "../../azure"

  replica_id      = local.replica.azure
  location        = var.azure_location
  inbound_secrets = [local.secrets[local.replica.azure]]
  peer_secrets    = local.peer_secrets.azure
  alarm_email     = var.alarm_email

  anti_entropy_period_minutes = var.anti_entropy_period_minutes
  anti_entropy_repairs        = var.anti_entropy_repairs

  # The extension beside the stock package: its jars in lib/ of the deployed package.
  extension_jars     = var.extension_jars
  schemas            = var.schemas
  subscribers        = var.subscribers.azure
  subscriber_secrets = try(var.subscriber_secrets.azure, null)

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
  inbound_secrets = [local.secrets[local.replica.gcp]]
  peer_secrets    = local.peer_secrets.gcp
  alarm_email     = var.alarm_email

  anti_entropy_period_minutes = var.anti_entropy_period_minutes
  anti_entropy_repairs        = var.anti_entropy_repairs

  # The extension beside the stock package: its jars in lib/ of the deployed package.
  extension_jars     = var.extension_jars
  schemas            = var.schemas
  subscribers        = var.subscribers.gcp
  subscriber_secrets = try(var.subscriber_secrets.gcp, null)

  peers = {
    (local.replica.aws)   = module.aws.ingress_url
    (local.replica.azure) = module.azure.ingress_url
  }
}
