# The functions are deployed from the pre-built "thin JAR with external dependencies" that
# functions-gcp builds into target/deploy (syncline-gcp.jar, whose manifest Class-Path lists
# lib/*.jar, plus lib/). Cloud Functions' Java buildpack runs a single jar at the top of the source
# as is, so nothing is compiled in Cloud Build and the deployed bytes are the tested ones.
data "archive_file" "functions" {
  type        = "zip"
  source_dir  = local.function_package_dir
  output_path = "${path.module}/.build/${local.base}-functions.zip"
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
