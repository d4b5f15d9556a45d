# Applications publish write intents here (structured-mode CloudEvent JSON as the message data, or
# binary mode with ce- attributes; DESIGN section 4).
resource "google_pubsub_topic" "intents" {
  project = var.project_id
  name    = local.intents_topic
  labels  = local.labels
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
# dead-letter topic (and to acknowledge on the source subscription: see functions.tf).
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
