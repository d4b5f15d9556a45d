# ---- where -------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "Google Cloud project that holds this replica (functions, Bigtable, Pub/Sub, secret, alerts). Also part of the ingress URL."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 characters: lowercase letters, digits, hyphens; starts with a letter), not a project number or name. Domain-scoped IDs (example.com:proj) are not supported because the ingress URL is built from it."
  }
}

variable "region" {
  type        = string
  description = "Region of the functions, the Cloud Scheduler job, the secret replica and the package bucket, e.g. us-east4. Part of the ingress URL."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as us-east4 or europe-west1 (not a zone)."
  }
}

# ---- the replica and its mesh (same names in every cloud's module) ----------------------------

variable "replica_id" {
  type        = string
  description = "This replica's id in the mesh, e.g. gcp-us-east4. Stamped on every change it originates and used in resource names."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,40}$", var.replica_id))
    error_message = "replica_id must be 1-40 characters of lowercase letters, digits and hyphens."
  }
}

variable "peers" {
  type        = map(string)
  default     = {}
  description = "The other replicas: peer replica id => that peer's ingress base URL (the peer module's ingress_url output). Changes are POSTed to <url>/events. Must not contain this replica's own id."

  validation {
    condition     = alltrue([for id, url in var.peers : can(regex("^[a-z0-9-]{1,40}$", id))])
    error_message = "Every key of peers must be a replica id: 1-40 characters of lowercase letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for id, url in var.peers : startswith(url, "https://")])
    error_message = "Every peer URL must start with https:// (replicas only send changes over TLS)."
  }

  validation {
    condition     = alltrue([for id, url in var.peers : !strcontains(url, ",") && !strcontains(url, "=")])
    error_message = "Peer URLs must not contain ',' or '=': SYNCLINE_PEERS is rendered as id=url pairs joined by commas."
  }
}

variable "inbound_secrets" {
  type        = list(string)
  description = "This replica's own Standard Webhooks secrets (whsec_...), the current one first (several during a rotation): its ingress verifies every request with them, and its peers sign what they send it with the current one. Sensitive, stored in the cloud's secret store only; pass them with TF_VAR_inbound_secrets, never in a committed file."
  sensitive   = true

  validation {
    condition     = length(var.inbound_secrets) > 0 && alltrue([for s in var.inbound_secrets : can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])
    error_message = "inbound_secrets needs at least one secret, each whsec_ followed by at least 16 base64 characters (the values are not shown because they are sensitive)."
  }
}

variable "peer_secrets" {
  type        = map(string)
  description = "For each peer in peers, that peer's current inbound secret (whsec_...), which this replica signs what it sends the peer with: each replica verifies only with its own secrets, so a request captured on its way to one replica is worthless at another. {} for a cloud on its own. Sensitive; pass with TF_VAR_peer_secrets."
  sensitive   = true

  validation {
    condition     = alltrue([for id, s in var.peer_secrets : can(regex("^[a-z0-9-]{1,40}$", id)) && can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])
    error_message = "peer_secrets maps replica ids (a-z, 0-9, '-') to secrets that look like whsec_ followed by at least 16 base64 characters."
  }
}

variable "name_prefix" {
  type        = string
  default     = "syncline"
  description = "Prefix of every resource name. Functions are named <name_prefix>-<replica_id>-<intent|ingress|drain|ae>; Bigtable tables <name_prefix>-records, -dedupe, -dead-letters."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,12}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-14 characters of lowercase letters, digits and hyphens, start with a letter and end with a letter or digit (function names are limited to 63 characters)."
  }
}

variable "outbox_retry_base" {
  type        = string
  default     = "PT1S"
  description = "Outbox backoff base between attempts to reach a peer, as an ISO-8601 duration (SYNCLINE_OUTBOX_RETRY_BASE)."

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_base))
    error_message = "outbox_retry_base must be an ISO-8601 duration in seconds or minutes, e.g. PT1S, PT0.5S or PT2M."
  }
}

variable "outbox_retry_cap" {
  type        = string
  default     = "PT60S"
  description = "Outbox backoff cap (full jitter below it), as an ISO-8601 duration (SYNCLINE_OUTBOX_RETRY_CAP)."

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_cap))
    error_message = "outbox_retry_cap must be an ISO-8601 duration in seconds or minutes, e.g. PT60S or PT5M."
  }
}

# ---- anti-entropy ------------------------------------------------------------------------------

variable "anti_entropy_period_minutes" {
  type        = number
  default     = 1
  description = "Minutes between anti-entropy rounds. Sets both the Cloud Scheduler job's cron schedule (every n minutes from the full hour) and SYNCLINE_ANTI_ENTROPY_PERIOD (PT<n>M) on every function, so that they cannot disagree: a round picks its window of buckets from the clock and this period. A full cycle over all buckets takes 16 periods."

  validation {
    # A cron step only fires evenly (and at the period's boundaries) when it divides the hour.
    condition     = contains([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60], var.anti_entropy_period_minutes)
    error_message = "anti_entropy_period_minutes must divide the hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60): the Cloud Scheduler job runs every n minutes from the full hour, which is evenly spaced only then."
  }
}

variable "anti_entropy_repairs" {
  type        = number
  default     = 100
  description = "At most this many differing records are repaired per peer per anti-entropy round (SYNCLINE_ANTI_ENTROPY_REPAIRS). It bounds each round's cost, and so the pace at which a new, empty peer is filled."

  validation {
    condition     = var.anti_entropy_repairs >= 1 && var.anti_entropy_repairs <= 10000 && floor(var.anti_entropy_repairs) == var.anti_entropy_repairs
    error_message = "anti_entropy_repairs must be a whole number from 1 to 10000 (the functions refuse anything else)."
  }
}

# ---- alarms ------------------------------------------------------------------------------------

variable "replication_lag_alarm_seconds" {
  type        = number
  default     = 900
  description = "Replication lag alarm threshold: the alert fires when the oldest change still owed to a peer (OutboxAge, after a drain pass) is older than this many seconds."

  validation {
    condition     = var.replication_lag_alarm_seconds > 0 && var.replication_lag_alarm_seconds <= 604800
    error_message = "replication_lag_alarm_seconds must be greater than 0 and at most 604800 (7 days, when changes are dead-lettered anyway)."
  }
}

variable "alarm_email" {
  type        = string
  default     = null
  description = "If set, every alert policy also notifies this address (an email notification channel). The Pub/Sub alerts topic is created and notified either way."

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be null or an email address."
  }
}

# ---- packaging ---------------------------------------------------------------------------------

variable "function_package_dir" {
  type        = string
  default     = null
  description = "Directory holding the deployable (syncline-gcp.jar and lib/), zipped and uploaded as the functions' source. Default (null): functions-gcp/target/deploy of this repository, built by `mvn -B -ntp -DskipTests package` at the repository root."

  validation {
    condition     = var.function_package_dir == null || try(length(trimspace(var.function_package_dir)) > 0, false)
    error_message = "function_package_dir must be null (use the repository's build output) or a non-empty path."
  }
}

# ---- extensions, schemas and the change feed (the entry points stay the same) -----------------

variable "extension_jars" {
  type        = list(string)
  default     = []
  description = "Paths of the handler developers' Syncline extension jars (at most 4: the extension and what it needs), deployed in lib/ of the functions' source as lib/syncline-extension-1.jar to -4.jar, the names syncline-gcp.jar's manifest Class-Path reserves for them: see README.md. [] (default): the stock package as built."

  validation {
    condition     = alltrue([for p in var.extension_jars : endswith(p, ".jar")])
    error_message = "Every entry of extension_jars must be the path of a .jar file."
  }

  validation {
    # The runtime loads only the jars the manifest's Class-Path names, and it names four.
    condition     = length(var.extension_jars) <= 4
    error_message = "extension_jars takes at most 4 jars (lib/syncline-extension-1.jar to -4.jar are on the class path); shade more into one."
  }
}

variable "schemas" {
  type        = string
  default     = ""
  description = "The JSON schema document the functions validate intents with (SYNCLINE_SCHEMAS): the document itself, or classpath:/<path>.json for one shipped in an extension jar. \"\" (default): none."

  validation {
    condition     = var.schemas == "" || can(jsondecode(var.schemas)) || can(regex("^classpath:/\\S+\\.json$", var.schemas))
    error_message = "schemas must be \"\", a JSON document (jsonencode(...) or file(\"schemas.json\")), or classpath:/<path>.json."
  }
}

variable "subscribers" {
  type        = map(string)
  default     = {}
  description = "The change feed: subscriber name => the https URL its changes are POSTed to, signed like the peers' (SYNCLINE_SUBSCRIBERS, name=url pairs). Each needs its secret in subscriber_secrets. {} (default): no change feed."

  validation {
    condition     = alltrue([for name, url in var.subscribers : can(regex("^[a-z0-9-]{1,40}$", name))])
    error_message = "Every key of subscribers must be a name of 1-40 characters of lowercase letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for name, url in var.subscribers : startswith(url, "https://") && !strcontains(url, ",") && !strcontains(url, "=")])
    error_message = "Every subscriber URL must start with https:// and contain no ',' or '=': SYNCLINE_SUBSCRIBERS is rendered as name=url pairs joined by commas."
  }

  validation {
    # The functions refuse a URL with user info, a query or a fragment (the secret is the only credential).
    condition     = alltrue([for url in values(var.subscribers) : !can(regex("[?#@]", url))])
    error_message = "A subscriber URL must have no user info, query or fragment: the functions refuse one at start-up."
  }

  validation {
    condition     = length(var.subscribers) <= 4
    error_message = "A replica has at most 4 subscribers (Limits.MAX_SUBSCRIBERS: their outbox entries must fit the record size budget)."
  }
}

variable "subscriber_secrets" {
  type        = map(string)
  default     = null
  sensitive   = true
  description = "For each subscriber in subscribers, the Standard Webhooks secret (whsec_...) this replica signs its change feed with. Stored as name=secret entries in the same Secret Manager secret as inbound_secrets and peer_secrets (SYNCLINE_SECRETS), so a subscriber name must not be a peer's replica id. null (default): none. Sensitive; pass with TF_VAR_subscriber_secrets."

  validation {
    condition     = var.subscriber_secrets == null ? true : alltrue([for name, s in var.subscriber_secrets : can(regex("^[a-z0-9-]{1,40}$", name)) && can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])
    error_message = "subscriber_secrets maps subscriber names (a-z, 0-9, '-') to secrets that look like whsec_ followed by at least 16 base64 characters."
  }
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Labels added to every resource that takes labels (functions, Bigtable instance, topics, subscriptions, bucket, secret, alert policies)."

  validation {
    condition = alltrue([
      for k, v in var.labels :
      can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))
    ])
    error_message = "Label keys must be 1-63 characters of lowercase letters, digits, '_' or '-' starting with a letter; values 0-63 of the same characters."
  }
}

# ---- functions ---------------------------------------------------------------------------------

variable "function_memory" {
  type        = string
  default     = "1Gi"
  description = "Memory of each function instance (Cloud Functions gen2 available_memory). The JVM with the gRPC Bigtable client needs about 512Mi; 1Gi leaves headroom."

  validation {
    condition     = contains(["512Mi", "1Gi", "2Gi", "4Gi"], var.function_memory)
    error_message = "function_memory must be one of 512Mi, 1Gi, 2Gi, 4Gi (each function runs with 1 vCPU, which allows at most 4Gi)."
  }
}

variable "function_min_instances" {
  type        = number
  default     = 0
  description = "Minimum warm instances per function. The Java cold start is about 2.7 s (functions-gcp/README.md); 1 keeps it off the intent and ingress paths at the cost of idle instances."

  validation {
    condition     = var.function_min_instances >= 0 && var.function_min_instances <= 10 && floor(var.function_min_instances) == var.function_min_instances
    error_message = "function_min_instances must be a whole number from 0 to 10."
  }
}

variable "function_max_instances" {
  type        = number
  default     = 20
  description = "Maximum instances per function; bounds the load the functions put on Bigtable and the peers."

  validation {
    condition     = var.function_max_instances >= 1 && var.function_max_instances <= 1000 && floor(var.function_max_instances) == var.function_max_instances
    error_message = "function_max_instances must be a whole number from 1 to 1000."
  }
}

# ---- Bigtable ----------------------------------------------------------------------------------

variable "bigtable_zone" {
  type        = string
  description = "Zone of the Bigtable cluster, in or near var.region (e.g. us-east4-a). Check that Bigtable is offered in that zone."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", var.bigtable_zone))
    error_message = "bigtable_zone must be a zone such as us-east4-a."
  }
}

variable "bigtable_storage_type" {
  type        = string
  default     = "SSD"
  description = "Storage type of the Bigtable cluster: SSD (low latency; recommended) or HDD. Cannot be changed after creation."

  validation {
    condition     = contains(["SSD", "HDD"], var.bigtable_storage_type)
    error_message = "bigtable_storage_type must be SSD or HDD."
  }
}

variable "bigtable_num_nodes" {
  type        = number
  default     = 1
  description = "Fixed number of nodes of the Bigtable cluster; ignored when bigtable_autoscaling is set."

  validation {
    condition     = var.bigtable_num_nodes >= 1 && floor(var.bigtable_num_nodes) == var.bigtable_num_nodes
    error_message = "bigtable_num_nodes must be a whole number of at least 1."
  }
}

variable "bigtable_autoscaling" {
  type = object({
    min_nodes      = number
    max_nodes      = number
    cpu_target     = number
    storage_target = optional(number)
  })
  default     = null
  description = "Autoscaling of the Bigtable cluster instead of a fixed node count: min_nodes, max_nodes, cpu_target (10-80 %), optional storage_target (GiB per node). Null: bigtable_num_nodes nodes."

  validation {
    condition = var.bigtable_autoscaling == null || try(
      var.bigtable_autoscaling.min_nodes >= 1 &&
      var.bigtable_autoscaling.max_nodes >= var.bigtable_autoscaling.min_nodes &&
      var.bigtable_autoscaling.cpu_target >= 10 && var.bigtable_autoscaling.cpu_target <= 80,
      false
    )
    error_message = "bigtable_autoscaling needs min_nodes >= 1, max_nodes >= min_nodes and cpu_target between 10 and 80."
  }
}

variable "bigtable_deletion_protection" {
  type        = bool
  default     = true
  description = "Protect the Bigtable instance and tables from terraform destroy (records, outbox, dedupe keys and dead letters live there). Set false, apply, then destroy to tear a replica down."
}
