# The functions are deployed from the pre-built "thin JAR with external dependencies" that
# functions-gcp builds into target/deploy (syncline-gcp.jar, whose manifest Class-Path lists
# lib/*.jar, plus lib/). Cloud Functions' Java buildpack runs a single jar at the top of the source
# as is, so nothing is compiled in Cloud Build and the deployed bytes are the tested ones.
#
# Extension jars go to lib/ beside the stock libraries, never to the top of the source: a second
# jar there makes the buildpack refuse the source. The runtime puts on the class path only the jars
# that syncline-gcp.jar's manifest Class-Path names, so they are copied under the four names it
# reserves for them: lib/syncline-extension-1.jar to -4.jar, in the order given. Without extension jars the built folder is
# zipped as it is. With some, a copy of it with the jars added (local_file.functions) is zipped
# instead: archive_file takes one folder, and its inline sources hold text, not jars. The copy's
# folder is named after a hash of everything in it, so a changed file replaces every copy (and
# removes the old folder); a copy missing on this machine (a fresh CI checkout) is planned again,
# and the zip is then built at apply, after it.
locals {
  extension_jars = { for i, p in var.extension_jars : "lib/syncline-extension-${i + 1}.jar" => p }
  package_files  = sort(fileset(local.function_package_dir, "**"))
  package_hash = sha1(join("\n", concat(
    [for f in local.package_files : "${f} ${filesha1("${local.function_package_dir}/${f}")}"],
    [for f, p in local.extension_jars : "${f} ${filesha1(p)}"],
  )))
  package_staging = "${path.module}/.build/${local.base}-functions-${local.package_hash}"
  package_source  = length(local.extension_jars) == 0 ? local.function_package_dir : local.package_staging
}

resource "local_file" "functions" {
  for_each = length(local.extension_jars) == 0 ? {} : merge(
    { for f in local.package_files : f => "${local.function_package_dir}/${f}" },
    local.extension_jars,
  )

  filename             = "${local.package_staging}/${each.key}"
  source               = each.value
  file_permission      = "0644"
  directory_permission = "0755"

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(local.extension_jars), local.package_files)) == 0
      error_message = "An extension jar has the file name of a library of the stock package (lib/): rename the extension jar."
    }
  }
}

data "archive_file" "functions" {
  type        = "zip"
  source_dir  = local.package_source
  output_path = "${path.module}/.build/${local.base}-functions.zip"

  depends_on = [local_file.functions]
}

resource "google_storage_bucket" "functions" {
  project  = var.project_id
  name     = local.package_bucket
  location = var.region
  labels   = local.labels

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # It only holds build inputs, recreated from target/deploy on the next apply.
  force_destroy = true
}

# Named by the zip's MD5, so a changed package is a new object and every function is rebuilt
# from it; the previous object is deleted once the functions no longer refer to it.
resource "google_storage_bucket_object" "functions" {
  name   = "syncline-gcp-${data.archive_file.functions.output_md5}.zip"
  bucket = google_storage_bucket.functions.name
  source = data.archive_file.functions.output_path

  lifecycle {
    create_before_destroy = true
  }
}
