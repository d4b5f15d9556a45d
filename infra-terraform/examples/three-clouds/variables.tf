variable "aws_region" {
  type        = string
  description = "AWS region of the AWS replica, e.g. us-east-1. The replica id is aws-<region>."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region such as us-east-1."
  }
}

variable "azure_subscription_id" {
  type        = string
  description = "Azure subscription to deploy the Azure replica into (a GUID)."

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", var.azure_subscription_id))
    error_message = "azure_subscription_id must be a subscription GUID."
  }
}

variable "azure_location" {
  type        = string
  description = "Azure region of the Azure replica, e.g. eastus. The replica id is azure-<location>."
  default     = "eastus"

  validation {
    condition     = can(regex("^[a-z]+[0-9]?$", var.azure_location))
    error_message = "azure_location must be an Azure region name such as eastus or westeurope."
  }
}

variable "gcp_project_id" {
  type        = string
  description = "Google Cloud project of the GCP replica."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.gcp_project_id))
    error_message = "gcp_project_id must be a project ID (not a number or a display name)."
  }
}

variable "gcp_region" {
  type        = string
  description = "Google Cloud region of the GCP replica, e.g. us-east4. The replica id is gcp-<region>."
  default     = "us-east4"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.gcp_region))
    error_message = "gcp_region must be a region such as us-east4."
  }
}

variable "gcp_bigtable_zone" {
  type        = string
  description = "Zone of the GCP replica's Bigtable cluster, in gcp_region, e.g. us-east4-a."
  default     = "us-east4-a"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", var.gcp_bigtable_zone))
    error_message = "gcp_bigtable_zone must be a zone such as us-east4-a."
  }
}

variable "alarm_email" {
  type        = string
  description = "Address every cloud's alarms notify; null leaves the notification targets without subscribers."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

variable "anti_entropy_period_minutes" {
  type        = number
  description = "Minutes between anti-entropy rounds, the same in all three clouds: each module sets its schedule and SYNCLINE_ANTI_ENTROPY_PERIOD from it. A full cycle over all buckets takes 16 periods."
  default     = 1

  validation {
    # The strictest of the three modules: Google Cloud's cron schedule needs a divisor of the hour.
    condition     = contains([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60], var.anti_entropy_period_minutes)
    error_message = "anti_entropy_period_minutes must divide the hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60), which the Google Cloud module's cron schedule needs."
  }
}

variable "anti_entropy_repairs" {
  type        = number
  description = "At most this many differing records each replica repairs per peer per anti-entropy round (SYNCLINE_ANTI_ENTROPY_REPAIRS), in all three clouds."
  default     = 100

  validation {
    condition     = var.anti_entropy_repairs >= 1 && var.anti_entropy_repairs <= 10000 && floor(var.anti_entropy_repairs) == var.anti_entropy_repairs
    error_message = "anti_entropy_repairs must be a whole number from 1 to 10000."
  }
}

variable "extension_layer_zip" {
  type        = string
  description = "Zip of the handler developers' extension jars under java/lib/, published as a layer of the four AWS functions (the aws module's extension_layer_zip). null (default): none."
  default     = null

  validation {
    condition     = var.extension_layer_zip == null ? true : endswith(var.extension_layer_zip, ".zip")
    error_message = "extension_layer_zip must be the path of a .zip file, or null."
  }
}

variable "extension_jars" {
  type        = list(string)
  description = "The handler developers' extension jars, deployed in lib/ of the Azure and Google Cloud packages (those modules' extension_jars). [] (default): none."
  default     = []

  validation {
    condition     = alltrue([for p in var.extension_jars : endswith(p, ".jar")])
    error_message = "Every entry of extension_jars must be the path of a .jar file."
  }
}

variable "schemas" {
  type        = string
  description = "The JSON schema document (SYNCLINE_SCHEMAS) of all three replicas: the document itself, or classpath:/<path>.json in an extension jar. \"\" (default): none."
  default     = ""

  validation {
    condition     = var.schemas == "" || can(jsondecode(var.schemas)) || can(regex("^classpath:/\\S+\\.json$", var.schemas))
    error_message = "schemas must be \"\", a JSON document, or classpath:/<path>.json."
  }
}

variable "subscribers" {
  type = object({
    aws   = optional(map(string), {})
    azure = optional(map(string), {})
    gcp   = optional(map(string), {})
  })
  description = "Each replica's change feed (the modules' subscribers): subscriber name => https URL, by cloud. {} (default): none."
  default     = {}

  validation {
    condition     = alltrue([for cloud, feed in var.subscribers : alltrue([for url in values(feed) : startswith(url, "https://")])])
    error_message = "Every subscriber URL must start with https://."
  }
}

variable "subscriber_secrets" {
  type = object({
    aws   = optional(map(string), {})
    azure = optional(map(string), {})
    gcp   = optional(map(string), {})
  })
  description = "By cloud, the secret (whsec_...) each replica signs each of its subscribers' feed with; kept in that replica's signing secret. null (default): none. Sensitive; pass with TF_VAR_subscriber_secrets."
  sensitive   = true
  default     = null

  validation {
    condition     = var.subscriber_secrets == null ? true : alltrue([for cloud, secrets in var.subscriber_secrets : alltrue([for s in values(secrets) : can(regex("^whsec_[A-Za-z0-9+/=]{16,}$", s))])])
    error_message = "Every subscriber secret must look like whsec_ followed by at least 16 base64 characters."
  }
}
