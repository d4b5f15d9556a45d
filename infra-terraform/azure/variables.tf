# ---------------------------------------------------------------------------------------------
# Common Syncline variables (same names in the aws, azure and gcp modules)
# ---------------------------------------------------------------------------------------------

variable "replica_id" {
  type        = string
  description = "This replica's id, unique in the mesh (e.g. \"azure-eastus\"). Becomes SYNCLINE_REPLICA_ID and part of every resource name."

  validation {
    condition     = can(regex("^[a-z0-9-]{1,40}$", var.replica_id))
    error_message = "replica_id must be 1-40 characters of lower-case letters, digits and hyphens."
  }

  validation {
    # It ends the function app's host name, which may not end with a hyphen.
    condition     = !endswith(var.replica_id, "-")
    error_message = "replica_id must not end with a hyphen (it ends the function app's host name)."
  }
}

variable "peers" {
  type        = map(string)
  description = "The other replicas: peer replica id => that peer's ingress base URL (https://...). Rendered into SYNCLINE_PEERS as id=url pairs. Must not contain replica_id itself."
  default     = {}

  validation {
    condition     = alltrue([for id in keys(var.peers) : can(regex("^[a-z0-9-]{1,40}$", id))])
    error_message = "Every key of peers must be a replica id: 1-40 characters of lower-case letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for url in values(var.peers) : startswith(url, "https://")])
    error_message = "Every peer URL must start with https:// (senders refuse plain http outside loopback tests)."
  }

  validation {
    # SYNCLINE_PEERS is split on commas and on the first '='; either inside a URL would corrupt it.
    condition     = alltrue([for url in values(var.peers) : !can(regex("[,\\s]", url))])
    error_message = "Peer URLs must not contain commas or whitespace (SYNCLINE_PEERS is a comma-separated list)."
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
  description = "Prefix of every resource name. With replica_id it forms the function app's host name <name_prefix>-<replica_id>.azurewebsites.net."
  default     = "syncline"

  validation {
    # Starts with a letter so the derived Key Vault and storage account names do too; 12 characters
    # keep the Event Grid topic (50), function app (60) and storage (24) names within Azure's limits.
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 1-12 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

variable "outbox_retry_base" {
  type        = string
  description = "Outbox backoff base between attempts to reach a peer, ISO-8601 (SYNCLINE_OUTBOX_RETRY_BASE)."
  default     = "PT1S"

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_base))
    error_message = "outbox_retry_base must be an ISO-8601 duration in seconds or minutes, e.g. PT1S, PT0.5S or PT2M."
  }
}

variable "outbox_retry_cap" {
  type        = string
  description = "Outbox backoff cap, ISO-8601 (SYNCLINE_OUTBOX_RETRY_CAP); full jitter below it."
  default     = "PT60S"

  validation {
    condition     = can(regex("^PT[0-9]+(\\.[0-9]+)?S$|^PT[0-9]+M$", var.outbox_retry_cap))
    error_message = "outbox_retry_cap must be an ISO-8601 duration in seconds or minutes, e.g. PT60S or PT5M."
  }
}

variable "replication_lag_alarm_seconds" {
  type        = number
  description = "The replication lag alert fires when the oldest change still owed to a peer (OutboxAge) is older than this many seconds."
  default     = 900

  validation {
    condition     = var.replication_lag_alarm_seconds > 0
    error_message = "replication_lag_alarm_seconds must be greater than 0."
  }
}

variable "anti_entropy_period_minutes" {
  type        = number
  description = "Minutes between anti-entropy rounds (SYNCLINE_ANTI_ENTROPY_PERIOD, rendered PT<n>M, so always whole minutes as the functions require). The AntiEntropy timer fires every minute and runs a round on the tick that opens each period; the period also picks each round's window of buckets, so a full cycle over all buckets takes 16 periods."
  default     = 1

  validation {
    condition     = var.anti_entropy_period_minutes >= 1 && var.anti_entropy_period_minutes <= 60 && floor(var.anti_entropy_period_minutes) == var.anti_entropy_period_minutes
    error_message = "anti_entropy_period_minutes must be a whole number of minutes from 1 to 60 (the AntiEntropy timer ticks every minute; a full cycle takes 16 periods, so at most 16 hours)."
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
  description = "If set, the action group e-mails this address when an alert fires. The action group is created either way."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be null or an e-mail address."
  }
}

variable "function_package_dir" {
  type        = string
  description = "Directory of the packaged function app (azure-functions-maven-plugin output). null means functions-azure/target/azure-functions/syncline-azure in this repository; build it first with mvn -B -ntp -DskipTests package."
  default     = null

  validation {
    condition     = var.function_package_dir == null || can(regex("\\S", var.function_package_dir))
    error_message = "function_package_dir must be null (the repository's build output) or a non-blank path."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource that takes tags."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) <= 512 && length(v) <= 256])
    error_message = "Azure tag names are limited to 512 characters and values to 256."
  }
}

# ---------------------------------------------------------------------------------------------
# Extensions, schemas and the change feed: what handler developers and DevOps add to the stock
# package without rebuilding it. The function names and bindings stay the same.
# ---------------------------------------------------------------------------------------------

variable "extension_jars" {
  type        = list(string)
  description = "Paths of the handler developers' Syncline extension jars. The module deploys a copy of the function app with them in its lib/ folder, beside the stock libraries, where the Java worker puts every jar on the class path and ServiceLoader finds the extension. [] (default): the stock package as built."
  default     = []

  validation {
    condition     = alltrue([for p in var.extension_jars : endswith(p, ".jar")])
    error_message = "Every entry of extension_jars must be the path of a .jar file."
  }

  validation {
    # Each lands as lib/<file name>, so two with one name would overwrite each other.
    condition     = length(distinct([for p in var.extension_jars : basename(p)])) == length(var.extension_jars)
    error_message = "The jars of extension_jars must have different file names: each is copied to lib/<file name>."
  }
}

variable "schemas" {
  type        = string
  description = "The JSON schema document the functions validate intents with (SYNCLINE_SCHEMAS): the document itself, or classpath:/<path>.json for one shipped in an extension jar. \"\" (default): none."
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
    error_message = "Every key of subscribers must be a name of 1-40 characters of lower-case letters, digits and hyphens."
  }

  validation {
    # SYNCLINE_SUBSCRIBERS is split on commas, like SYNCLINE_PEERS.
    condition     = alltrue([for url in values(var.subscribers) : startswith(url, "https://") && !can(regex("[,\\s]", url))])
    error_message = "Every subscriber URL must start with https:// and contain no commas or whitespace."
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
  description = "For each subscriber in subscribers, the Standard Webhooks secret (whsec_...) this replica signs its change feed with. Stored as name=secret entries in the same Key Vault secret as inbound_secrets and peer_secrets (SYNCLINE_SECRETS), so a subscriber name must not be a peer's replica id. null (default): none. Sensitive; pass with TF_VAR_subscriber_secrets."
  sensitive   = true
  default     = null

  validation {
    condition     = var.subscriber_secrets == null ? true : alltrue([for name, s in var.subscriber_secrets : can(regex("^[a-z0-9-]{1,40}$", name)) && can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])
    error_message = "subscriber_secrets maps subscriber names (a-z, 0-9, '-') to secrets that look like whsec_ followed by at least 16 base64 characters."
  }
}

# ---------------------------------------------------------------------------------------------
# Azure-specific variables
# ---------------------------------------------------------------------------------------------

variable "location" {
  type        = string
  description = "Azure region of the replica, e.g. \"eastus\" (the short name that `az account list-locations` prints)."

  validation {
    condition     = can(regex("^[a-z0-9]+$", var.location))
    error_message = "location must be an Azure region short name such as eastus or westeurope."
  }
}

variable "existing_resource_group_name" {
  type        = string
  description = "null (default): the module creates <name_prefix>-<replica_id>-rg and destroys it with everything else. Otherwise the name of an existing resource group to deploy into (for deployers who may only write into pre-provisioned groups)."
  default     = null

  validation {
    condition     = var.existing_resource_group_name == null || can(regex("^[-\\w.()]{0,89}[-\\w()]$", var.existing_resource_group_name))
    error_message = "existing_resource_group_name must be null or a valid resource group name (1-90 characters, not ending with a period)."
  }
}

variable "service_plan_sku" {
  type        = string
  description = "App Service plan SKU of the Linux function app: Y1 (Consumption, default), EP1-EP3 (Elastic Premium) or a dedicated SKU. Flex Consumption (FC1) needs a different resource and is not supported by this module."
  default     = "Y1"

  validation {
    condition     = contains(["Y1", "EP1", "EP2", "EP3", "B1", "B2", "B3", "S1", "S2", "S3", "P0v3", "P1v3", "P2v3", "P3v3", "P1mv3", "P2mv3"], var.service_plan_sku)
    error_message = "service_plan_sku must be Y1, EP1-EP3, B1-B3, S1-S3, P0v3-P3v3 or P1mv3/P2mv3 (FC1 needs azurerm_function_app_flex_consumption, which this module does not use)."
  }
}

variable "records_table_name" {
  type        = string
  description = "Table Storage table of the records (SYNCLINE_RECORDS_TABLE)."
  default     = "synclineRecords"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9]{2,62}$", var.records_table_name)) && lower(var.records_table_name) != "tables"
    error_message = "Table names are 3-63 alphanumeric characters starting with a letter, and \"tables\" is reserved."
  }
}

variable "dedupe_table_name" {
  type        = string
  description = "Table Storage table of the intent dedupe entries (SYNCLINE_DEDUPE_TABLE)."
  default     = "synclineDedupe"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9]{2,62}$", var.dedupe_table_name)) && lower(var.dedupe_table_name) != "tables"
    error_message = "Table names are 3-63 alphanumeric characters starting with a letter, and \"tables\" is reserved."
  }
}

variable "dead_letters_table_name" {
  type        = string
  description = "Table Storage table of the dead letters: unappliable intents and changes the outbox gave up on (SYNCLINE_DEAD_LETTERS_TABLE)."
  default     = "synclineDeadLetters"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9]{2,62}$", var.dead_letters_table_name)) && lower(var.dead_letters_table_name) != "tables"
    error_message = "Table names are 3-63 alphanumeric characters starting with a letter, and \"tables\" is reserved."
  }
}

variable "data_account_replication_type" {
  type        = string
  description = "Replication of the data storage account (records, dedupe, dead letters). ZRS or GZRS where the region offers them."
  default     = "LRS"

  validation {
    condition     = contains(["LRS", "ZRS", "GRS", "RAGRS", "GZRS", "RAGZRS"], var.data_account_replication_type)
    error_message = "data_account_replication_type must be one of LRS, ZRS, GRS, RAGRS, GZRS, RAGZRS."
  }
}

variable "topic_local_auth_enabled" {
  type        = bool
  description = "Accept access keys / SAS tokens on the intent topic. false (default): publishers authenticate with Entra ID and need the EventGrid Data Sender role (see intent_publisher_principal_ids)."
  default     = false
}

variable "intent_publisher_principal_ids" {
  type        = list(string)
  description = "Object ids of the users, groups or service principals (e.g. the applications' managed identities) that may publish intents; each gets EventGrid Data Sender on the topic."
  default     = []

  validation {
    condition     = alltrue([for id in var.intent_publisher_principal_ids : can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", id))])
    error_message = "intent_publisher_principal_ids must be Entra object ids (GUIDs)."
  }
}

variable "key_vault_purge_protection_enabled" {
  type        = bool
  description = "Purge protection of the Key Vault. Once on it cannot be turned off, and a destroyed vault keeps its name reserved for the soft-delete retention period."
  default     = true
}

variable "key_vault_soft_delete_retention_days" {
  type        = number
  description = "Days a deleted Key Vault (or secret) stays recoverable. Azure allows 7-90; it can only be set when the vault is created."
  default     = 7

  validation {
    condition     = var.key_vault_soft_delete_retention_days >= 7 && var.key_vault_soft_delete_retention_days <= 90 && floor(var.key_vault_soft_delete_retention_days) == var.key_vault_soft_delete_retention_days
    error_message = "key_vault_soft_delete_retention_days must be a whole number between 7 and 90."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Log Analytics workspace behind Application Insights."
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days must be between 30 and 730."
  }
}

variable "java_opts" {
  type        = string
  description = "JVM options for the Java worker (JAVA_OPTS), e.g. \"-Xmx256m -XX:TieredStopAtLevel=1\". Empty by default: on the Consumption plan Azure only applies JAVA_OPTS with placeholders off (WEBSITE_USE_PLACEHOLDER=0, which the module then sets), and losing the pre-warmed worker costs more cold start than these flags save."
  default     = ""

  validation {
    condition     = length(var.java_opts) <= 1024 && !can(regex("[\\r\\n]", var.java_opts))
    error_message = "java_opts must be a single line of at most 1024 characters."
  }
}
