# The signing secrets reach the functions as the SYNCLINE_SECRETS environment variable, filled by
# Cloud Functions from this secret at instance start (secret_environment_variables), so the code
# needs no Secret Manager client and the value never appears in the function's configuration.
resource "google_secret_manager_secret" "signing" {
  project   = var.project_id
  secret_id = local.secret_id
  labels    = local.labels

  # Kept in the replica's region, like the data it protects.
  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }
}

# A new version on every change of the secrets (local.signing_secrets: own, peers', subscribers') (rotation: add the new secret first, apply
# in every cloud, then drop the old one). The functions pin this version number, so a rotation
# redeploys them and every new instance reads the same list. The value is in the Terraform state:
# keep the state in an encrypted, access-controlled backend.
resource "google_secret_manager_secret_version" "signing" {
  secret      = google_secret_manager_secret.signing.id
  secret_data = local.signing_secrets

  # The new version exists before the functions move to it, and the old one is destroyed only
  # after they have: an instance starting in between still finds the version it is pinned to.
  lifecycle {
    create_before_destroy = true

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
