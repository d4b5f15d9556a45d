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
