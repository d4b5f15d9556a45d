variable "replica_id" {
  type        = string
  description = "This replica's id, unique in the mesh (e.g. aws-us-east-1). Names every resource and is the ReplicaId dimension of the metrics."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,40}$", var.replica_id))
    error_message = "replica_id must be 1 to 40 characters of a-z, 0-9 and '-', e.g. aws-us-east-1."
  }
}

variable "peers" {
  type        = map(string)
  description = "The other replicas: peer replica id -> that peer's ingress base URL (https). The functions POST changes to {url}/events."
  default     = {}

  validation {
    condition     = alltrue([for id in keys(var.peers) : can(regex("^[a-z0-9-]{1,40}$", id))])
    error_message = "Every key of peers must be a replica id: 1 to 40 characters of a-z, 0-9 and '-'."
  }

  validation {
    # SYNCLINE_PEERS is split on commas and white space, so a URL may contain neither.
    condition     = alltrue([for url in values(var.peers) : startswith(url, "https://") && !can(regex("[,\\s]", url))])
    error_message = "Every peer URL must start with https:// and contain no comma or white space (senders refuse plain http)."
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
  description = "Prefix of every resource name; names are <name_prefix>-<replica_id>-<role>."
  default     = "syncline"

  validation {
    # 12 + '-' + 40 (replica_id) + '-ingress' stays within the 64 characters Lambda and IAM allow.
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and have at most 12 characters of a-z, 0-9 and '-', so that function and role names stay within 64 characters."
  }
}

variable "outbox_retry_base" {
  type        = string
  description = "Outbox backoff base between attempts to reach a peer, an ISO-8601 duration (SYNCLINE_OUTBOX_RETRY_BASE). Must not exceed outbox_retry_cap."
  default     = "PT1S"

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_base))
    error_message = "outbox_retry_base must be an ISO-8601 duration in seconds or minutes, e.g. PT1S, PT0.5S or PT2M."
  }
}

variable "outbox_retry_cap" {
  type        = string
  description = "Outbox backoff cap (full jitter below it), an ISO-8601 duration (SYNCLINE_OUTBOX_RETRY_CAP)."
  default     = "PT60S"

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_cap))
    error_message = "outbox_retry_cap must be an ISO-8601 duration in seconds or minutes, e.g. PT60S or PT5M."
  }
}

variable "replication_lag_alarm_seconds" {
  type        = number
  description = "The replication lag alarm fires when the oldest change still owed to a peer (OutboxAge) is older than this many seconds."
  default     = 900

  validation {
    condition     = var.replication_lag_alarm_seconds > 0
    error_message = "replication_lag_alarm_seconds must be greater than 0."
  }
}

variable "anti_entropy_period_minutes" {
  type        = number
  description = "Minutes between anti-entropy rounds. Sets both the anti-entropy schedule's rate and SYNCLINE_ANTI_ENTROPY_PERIOD (PT<n>M) on every function, so that they cannot disagree: a round picks its window of buckets from the clock and this period, and a schedule at another interval would repeat or skip windows. A full cycle over all buckets takes 16 periods."
  default     = 1

  validation {
    condition     = var.anti_entropy_period_minutes >= 1 && var.anti_entropy_period_minutes <= 60 && floor(var.anti_entropy_period_minutes) == var.anti_entropy_period_minutes
    error_message = "anti_entropy_period_minutes must be a whole number of minutes from 1 to 60 (a full cycle takes 16 periods, so at most 16 hours)."
  }
}

variable "anti_entropy_repairs" {
  type        = number
  description = "At most this many differing records are repaired per peer per anti-entropy round (SYNCLINE_ANTI_ENTROPY_REPAIRS). It bounds each round's cost, and so the pace at which a new, empty peer is filled."
  default     = 100

  validation {
    condition     = var.anti_entropy_repairs >= 1 && var.anti_entropy_repairs <= 10000 && floor(var.anti_entropy_repairs) == var.anti_entropy_repairs
    error_message = "anti_entropy_repairs must be a whole number from 1 to 10000 (the functions refuse anything else)."
  }
}

variable "alarm_email" {
  type        = string
  description = "If set, this address is subscribed to the alarm topic (SNS sends a confirmation mail first). The topic is created either way."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address such as ops@example.com, or null."
  }
}

variable "lambda_package" {
  type        = string
  description = "Path of the shaded function jar. Null means functions-aws/target/syncline-aws.jar in this repository (build it first with mvn -B -ntp -DskipTests package)."
  default     = null

  validation {
    condition     = var.lambda_package == null ? true : (endswith(var.lambda_package, ".jar") || endswith(var.lambda_package, ".zip"))
    error_message = "lambda_package must be the path of a .jar (or .zip) file, or null for the repository's build output."
  }
}

variable "lambda_memory_mb" {
  type        = number
  description = "Memory of each function in MB; Lambda gives CPU in proportion (1,769 MB is one vCPU), which mostly decides the JVM's cold start."
  default     = 1024

  validation {
    condition     = var.lambda_memory_mb >= 512 && var.lambda_memory_mb <= 10240 && floor(var.lambda_memory_mb) == var.lambda_memory_mb
    error_message = "lambda_memory_mb must be a whole number from 512 to 10240."
  }
}

variable "drain_reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the drain: 1 (default) runs one drain pass at a time; -1 leaves it unreserved (needed in accounts whose concurrency limit leaves no room to reserve)."
  default     = 1

  validation {
    condition     = var.drain_reserved_concurrency == -1 || (var.drain_reserved_concurrency >= 1 && floor(var.drain_reserved_concurrency) == var.drain_reserved_concurrency)
    error_message = "drain_reserved_concurrency must be -1 (unreserved) or a whole number of at least 1 (0 would stop the drain)."
  }
}

variable "ingress_reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the public ingress: caps what a flood of (unsigned, rejected) requests can take from the account's pool. -1 (default) leaves it unreserved."
  default     = -1

  validation {
    condition     = var.ingress_reserved_concurrency == -1 || (var.ingress_reserved_concurrency >= 1 && floor(var.ingress_reserved_concurrency) == var.ingress_reserved_concurrency)
    error_message = "ingress_reserved_concurrency must be -1 (unreserved) or a whole number of at least 1 (0 would stop the ingress)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch Logs keeps the functions' logs (and so the raw EMF metric lines)."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "DynamoDB deletion protection on the three tables. Set false before terraform destroy of a throw-away replica."
  default     = true
}

variable "grant_function_url_invoke_via_cli" {
  type        = bool
  description = "Run the AWS CLI once after creating the Function URL to add the lambda:InvokeFunction statement (condition lambda:InvokedViaFunctionUrl) that Function URLs created since October 2025 need and that provider 5.100.0 cannot express. Needs the aws CLI (a version with --invoked-via-function-url) and the same credentials as Terraform; set false to run the command from the README yourself."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource that supports them."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:") && length(k) <= 128])
    error_message = "Tag keys must be at most 128 characters and must not start with aws: (reserved by AWS)."
  }
}

# ---------------------------------------------------------------------------------------------
# Extensions, schemas and the change feed: what handler developers and DevOps add to the stock
# package without rebuilding it. The handler strings stay the same.
# ---------------------------------------------------------------------------------------------

variable "extension_layer_zip" {
  type        = string
  description = "Path of a zip holding the handler developers' Syncline extension jars under java/lib/ (Lambda unpacks a layer into /opt, and the Java runtimes put /opt/java/lib/*.jar on the class path, where ServiceLoader finds the extension). The module publishes it as a layer version and adds it to all four functions. null (default): no layer of the module's own."
  default     = null

  validation {
    condition     = var.extension_layer_zip == null ? true : endswith(var.extension_layer_zip, ".zip")
    error_message = "extension_layer_zip must be the path of a .zip file (its jars under java/lib/), or null."
  }
}

variable "extension_layer_arns" {
  type        = list(string)
  description = "Layer version ARNs published outside this module (their jars under java/lib/), added to all four functions after the module's own extension layer. [] (default): none."
  default     = []

  validation {
    condition     = alltrue([for arn in var.extension_layer_arns : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", arn))])
    error_message = "Every entry of extension_layer_arns must be a layer version ARN, arn:aws:lambda:<region>:<account>:layer:<name>:<version>."
  }

  validation {
    # Lambda allows five layers per function; the module's own (extension_layer_zip) is checked
    # with these on the functions.
    condition     = length(var.extension_layer_arns) <= 5
    error_message = "extension_layer_arns may hold at most 5 ARNs: a Lambda function takes at most five layers."
  }
}

variable "schemas" {
  type        = string
  description = "The JSON schema document the functions validate intents with (SYNCLINE_SCHEMAS): the document itself, or classpath:/<path>.json for one shipped in an extension jar. \"\" (default): none. Lambda allows 4 KB for all environment variables together, so a larger document belongs in the extension layer."
  default     = ""

  validation {
    condition     = var.schemas == "" || can(jsondecode(var.schemas)) || can(regex("^classpath:/\\S+\\.json$", var.schemas))
    error_message = "schemas must be \"\", a JSON document (jsonencode(...) or file(\"schemas.json\")), or classpath:/<path>.json."
  }
}

variable "subscribers" {
  type        = map(string)
  description = "The change feed: subscriber name => the https URL its changes are POSTed to, signed like the peers' (SYNCLINE_SUBSCRIBERS, name=url pairs). Each needs its secret in subscriber_secrets. {} (default): no change feed."
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.subscribers) : can(regex("^[a-z0-9-]{1,40}$", name))])
    error_message = "Every key of subscribers must be a name of 1 to 40 characters of a-z, 0-9 and '-'."
  }

  validation {
    # SYNCLINE_SUBSCRIBERS is split on commas and white space, like SYNCLINE_PEERS.
    condition     = alltrue([for url in values(var.subscribers) : startswith(url, "https://") && !can(regex("[,\\s]", url))])
    error_message = "Every subscriber URL must start with https:// and contain no comma or white space."
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
  description = "For each subscriber in subscribers, the Standard Webhooks secret (whsec_...) this replica signs its change feed with. Stored as name=secret entries in the same secret as inbound_secrets and peer_secrets (SYNCLINE_SECRETS), so a subscriber name must not be a peer's replica id. null (default): none. Sensitive; pass with TF_VAR_subscriber_secrets."
  sensitive   = true
  default     = null

  validation {
    condition     = var.subscriber_secrets == null ? true : alltrue([for name, s in var.subscriber_secrets : can(regex("^[a-z0-9-]{1,40}$", name)) && can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])
    error_message = "subscriber_secrets maps subscriber names (a-z, 0-9, '-') to secrets that look like whsec_ followed by at least 16 base64 characters."
  }
}
