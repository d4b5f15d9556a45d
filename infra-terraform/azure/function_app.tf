locals {
  function_package_dir = coalesce(var.function_package_dir, "${path.module}/../../functions-azure/target/azure-functions/syncline-azure")

  # The plugin's local-run settings file: never deployed (see excludes below), never hashed.
  function_package_local_file = "local.settings.json"
  function_package_files = sort([
    for f in fileset(local.function_package_dir, "**") : f if f != local.function_package_local_file
  ])

  # The extension jars, by the path they take in the package: lib/, beside the stock libraries.
  # The Java worker puts every jar of lib/ on the class path.
  extension_jars = { for p in var.extension_jars : "lib/${basename(p)}" => p }

  # zip_deploy_file only redeploys when its path changes, so the zip is named after a hash of
  # the package's contents (extension jars included): a new build or a new jar means a new path
  # means a new deployment.
  function_package_hash = sha1(join("\n", concat(
    [for f in local.function_package_files : "${f} ${filesha1("${local.function_package_dir}/${f}")}"],
    [for f, p in local.extension_jars : "${f} ${filesha1(p)}"],
  )))

  # Without extension jars the built package is zipped as it is. With some, a copy of it with the
  # jars added (local_file.function_package) is zipped instead: archive_file takes one folder, and
  # its inline sources hold text, not jars.
  function_package_staging = "${path.module}/.build/syncline-azure-${local.function_package_hash}"
  function_package_source  = length(local.extension_jars) == 0 ? local.function_package_dir : local.function_package_staging

  plan_is_consumption = var.service_plan_sku == "Y1"
  plan_is_elastic     = startswith(var.service_plan_sku, "EP")

  # The one environment of all four functions. The SYNCLINE_* names are exactly those the
  # functions read in Azure (SYNCLINE_STORAGE_CONNECTION and SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK
  # are for local runs only); the rest are platform settings. The AntiEntropy timer itself is in
  # the package (every minute); SYNCLINE_ANTI_ENTROPY_PERIOD says which ticks run a round.
  app_settings = {
    SYNCLINE_REPLICA_ID           = var.replica_id
    SYNCLINE_TABLES_ENDPOINT      = trimsuffix(azurerm_storage_account.data.primary_table_endpoint, "/")
    SYNCLINE_RECORDS_TABLE        = azurerm_storage_table.records.name
    SYNCLINE_DEDUPE_TABLE         = azurerm_storage_table.dedupe.name
    SYNCLINE_DEAD_LETTERS_TABLE   = azurerm_storage_table.dead_letters.name
    SYNCLINE_PEERS                = join(",", [for id, url in var.peers : "${id}=${url}"])
    SYNCLINE_SECRETS              = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.signing.versionless_id})"
    SYNCLINE_OUTBOX_RETRY_BASE    = var.outbox_retry_base
    SYNCLINE_OUTBOX_RETRY_CAP     = var.outbox_retry_cap
    SYNCLINE_ANTI_ENTROPY_PERIOD  = "PT${var.anti_entropy_period_minutes}M"
    SYNCLINE_ANTI_ENTROPY_REPAIRS = tostring(var.anti_entropy_repairs)
    SYNCLINE_SCHEMAS              = var.schemas
    SYNCLINE_SUBSCRIBERS          = join(",", [for name, url in var.subscribers : "${name}=${url}"])

    # The package is built by Maven: no remote (Oryx) build during the zip deployment. On Linux
    # Consumption a zip deploy without this setting has been reported not to take effect.
    # WEBSITE_RUN_FROM_PACKAGE=1 is deliberately absent: Linux Consumption does not support it
    # (the platform keeps the package in AzureWebJobsStorage and points to it itself).
    SCM_DO_BUILD_DURING_DEPLOYMENT = "false"

    # The alerts count `syncline-metric` lines in the traces table; with the host's default
    # adaptive sampling a busy minute could drop exactly the DeadLetters line, so traces are
    # exempt from sampling (a host.json override through an app setting).
    AzureFunctionsJobHost__logging__applicationInsights__samplingSettings__excludedTypes = "Request;Exception;Trace"

    # Azure applies JAVA_OPTS on the Consumption plan only with placeholders off.
    JAVA_OPTS               = var.java_opts
    WEBSITE_USE_PLACEHOLDER = var.java_opts != "" && local.plan_is_consumption ? "0" : "1"
  }
}

# The copy of the package with the extension jars in lib/, one file each, only when there are
# extension jars. Its folder is named after the hash of everything in it, so a changed file
# replaces every copy (and removes the old folder); a copy missing on this machine (a fresh CI
# checkout) is planned again, and the zip below is then built at apply, after it.
resource "local_file" "function_package" {
  for_each = length(local.extension_jars) == 0 ? {} : merge(
    { for f in local.function_package_files : f => "${local.function_package_dir}/${f}" },
    local.extension_jars,
  )

  filename             = "${local.function_package_staging}/${each.key}"
  source               = each.value
  file_permission      = "0644"
  directory_permission = "0755"

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(local.extension_jars), local.function_package_files)) == 0
      error_message = "An extension jar has the file name of a library of the stock package (lib/): rename the extension jar."
    }
  }
}

data "archive_file" "function_package" {
  type             = "zip"
  source_dir       = local.function_package_source
  excludes         = ["local.settings.json"]
  output_path      = "${path.module}/.build/syncline-azure-${local.function_package_hash}.zip"
  output_file_mode = "0644"

  depends_on = [local_file.function_package]

  lifecycle {
    precondition {
      condition     = fileexists("${local.function_package_dir}/host.json")
      error_message = "No packaged function app at ${local.function_package_dir}: run `mvn -B -ntp -DskipTests package` at the repository root first, or set function_package_dir."
    }
  }
}

resource "azurerm_service_plan" "this" {
  name                = "${local.base}-plan"
  resource_group_name = local.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = var.service_plan_sku
  tags                = local.tags
}

resource "azurerm_linux_function_app" "this" {
  name                = local.app_name
  resource_group_name = local.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  storage_account_name       = azurerm_storage_account.runtime.name
  storage_account_access_key = azurerm_storage_account.runtime.primary_access_key

  https_only                    = true
  public_network_access_enabled = true  # peers and Event Grid call in over the internet
  builtin_logging_enabled       = false # the legacy AzureWebJobsDashboard; App Insights replaces it

  # zip_deploy_file pushes to the SCM site with the default publishing credentials, so WebDeploy
  # basic authentication has to stay on; FTP is not needed.
  webdeploy_publish_basic_authentication_enabled = true
  ftp_publish_basic_authentication_enabled       = false
  zip_deploy_file                                = data.archive_file.function_package.output_path

  identity {
    # SystemAssigned: the app's data access (tables). UserAssigned: Key Vault references only,
    # see keyvault.tf for why that identity must exist before the app.
    type         = "SystemAssigned, UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.key_vault_reference.id]
  }
  key_vault_reference_identity_id = azurerm_user_assigned_identity.key_vault_reference.id

  site_config {
    application_stack {
      java_version = "17"
    }

    application_insights_connection_string = azurerm_application_insights.this.connection_string

    minimum_tls_version     = "1.2"
    scm_minimum_tls_version = "1.2"
    ftps_state              = "Disabled"
    http2_enabled           = true

    # The drain and anti-entropy are timers: on a dedicated plan the app must not idle out. Consumption and
    # Elastic Premium scale on their own and refuse always_on.
    always_on = !(local.plan_is_consumption || local.plan_is_elastic)
  }

  app_settings = local.app_settings

  tags = local.tags

  lifecycle {
    precondition {
      condition     = !contains(keys(var.peers), var.replica_id)
      error_message = "peers must not contain this replica's own id (${var.replica_id})."
    }

    # On Linux Consumption the platform records where the deployed package lives in this
    # setting; removing it on the next apply would unplug the code.
    ignore_changes = [app_settings["SCM_RUN_FROM_PACKAGE"]]
  }

  # The Key Vault reference must resolve on the very first start.
  depends_on = [azurerm_role_assignment.key_vault_reference_secret_user]
}
