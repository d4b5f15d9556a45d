# Applications publish write intents here (structured-mode CloudEvent JSON as the message data, or
# binary mode with ce- attributes; DESIGN section 4).
resource "google_pubsub_topic" "intents" {
  project = var.project_id
  name    = local.intents_topic
  labels  = local.labels
}

# Pushes every intent to the intent function. A delivery fails when the function answers
# anything but 2xx (503 while Bigtable is unavailable) or does not answer within the ack
# deadline; Pub/Sub then retries with exponential backoff and, after 5 attempts, moves the message
# to the dead-letter topic. Retention of 7 days matches the dedupe TTL: a redelivery is always
# recognized as a duplicate.
resource "google_pubsub_subscription" "intents" {
  project                    = var.project_id
  name                       = local.intents_subscription
  topic                      = google_pubsub_topic.intents.id
  labels                     = local.labels
  ack_deadline_seconds       = 60 # the intent function's timeout
  message_retention_duration = "604800s"

  push_config {
    push_endpoint = google_cloudfunctions2_function.intent.service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.events.email
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.intents_dead_letter.id
    max_delivery_attempts = 5
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.intent_invoker,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

# Pub/Sub forwards a dead letter as its service agent: it must be able to acknowledge the
# message on the source subscription.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.intents.name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${local.pubsub_service_agent}"
}

# Intents that the intent function failed on max_delivery_attempts (5) times. An intent that can
# never apply (malformed, schema violation) is acknowledged by the function and lands in the
# dead-letters TABLE instead; this topic collects deliveries that kept failing (Bigtable down,
# a bug, a crash), which are safe to replay once the cause is fixed: the dedupe store makes a
# replay apply at most once. Topic retention (31 days) allows seeking a new subscription back.
resource "google_pubsub_topic" "intents_dead_letter" {
  project                    = var.project_id
  name                       = local.dead_letter_topic
  labels                     = local.labels
  message_retention_duration = "2678400s"
}

# Without a subscription, messages published to the dead-letter topic would be dropped. A pull
# subscription (not a trigger) keeps them for the longest a subscription can (7 days) and never
# expires for inactivity; its backlog is what the dead-letter alert watches.
resource "google_pubsub_subscription" "intents_dead_letter" {
  project                    = var.project_id
  name                       = local.dead_letter_subscription
  topic                      = google_pubsub_topic.intents_dead_letter.id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  retain_acked_messages      = true

  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub forwards dead letters as its service agent, which must be allowed to publish to the
# dead-letter topic (and to acknowledge on the source subscription: see above).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.intents_dead_letter.id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${local.pubsub_service_agent}"
}

# Every alert policy notifies this topic, so there is a notification target even without
# alarm_email (subscribe a chat relay, PagerDuty bridge or ticketing hook to it).
resource "google_pubsub_topic" "alerts" {
  project = var.project_id
  name    = local.alerts_topic
  labels  = local.labels
}
