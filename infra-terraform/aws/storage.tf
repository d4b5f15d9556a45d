# The three tables mirror the createTable helpers in functions-aws/src/main/java/dev/syncline/aws/dynamodb/,
# which the tests and the local sandbox use against dynalite. On demand billing: traffic is bursty
# (intents, peers catching up after an outage) and there is nothing to size in advance.

# One item per record: state, outbox and applied intents, every write a PutItem conditional on
# `version`. While a record owes a peer it carries owing = "1" and due (epoch ms), the keys of
# the sparse index the drain queries; KEYS_ONLY because the drain reloads each record anyway.
# A record whose state is not empty also carries its anti-entropy bucket aeb (0-1023) and the
# digest h of its state, written in the same PutItem: the keys of the sparse index anti-entropy
# reads a bucket from (one Query per page), projecting only h, so a bucket read never loads a
# state (shared-core docs/anti-entropy.md).
resource "aws_dynamodb_table" "records" {
  name                        = "${local.name}-records"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "owing"
    type = "S"
  }

  attribute {
    name = "due"
    type = "N"
  }

  attribute {
    name = "aeb"
    type = "N"
  }

  global_secondary_index {
    name            = "outbox-due"
    hash_key        = "owing"
    range_key       = "due"
    projection_type = "KEYS_ONLY"
  }

  # The scheduled anti-entropy function and the ingress (answering a peer's digests) query it.
  global_secondary_index {
    name               = "anti-entropy"
    hash_key           = "aeb"
    range_key          = "pk"
    projection_type    = "INCLUDE"
    non_key_attributes = ["h"]
  }

  point_in_time_recovery {
    enabled = true
  }

  # enabled = true uses the AWS managed key aws/dynamodb (auditable in CloudTrail); callers need
  # no KMS permission for it.
  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

# Dedupe entries of intents, keyed by (source, id). Reads check expiresAt themselves, since TTL
# deletes late; TTL on `ttl` (epoch seconds) only keeps the table from growing.
resource "aws_dynamodb_table" "dedupe" {
  name                        = "${local.name}-dedupe"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

# Intents that can never apply and changes the outbox gave up on (older than 7 days, or refused
# by the peer): one item per dead letter (pk a random UUID; kind, subject, eventId, reason, at,
# payload), kept for inspection and replay. No TTL: an operator decides when one is dealt with.
resource "aws_dynamodb_table" "dead_letters" {
  name                        = "${local.name}-dead-letters"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

# This replica's Standard Webhooks secrets, its peers' and its subscribers' (local.signing_secrets). name_prefix, because a deleted secret's name stays taken
# for its recovery window and a fixed name would block destroy-then-apply.
resource "aws_secretsmanager_secret" "signing" {
  name_prefix             = "${local.name}-signing-"
  description             = "Syncline ${var.replica_id}: Standard Webhooks secrets, comma separated: its own (current first), then replica=secret for each peer, then name=secret for each change-feed subscriber"
  recovery_window_in_days = 7

  tags = local.tags
}

# The value also lands in the Terraform state: keep the state encrypted and access-controlled.
resource "aws_secretsmanager_secret_version" "signing" {
  secret_id     = aws_secretsmanager_secret.signing.id
  secret_string = local.signing_secrets

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
