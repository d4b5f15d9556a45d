resource "google_bigtable_instance" "main" {
  project             = var.project_id
  name                = local.bigtable_instance
  display_name        = substr(local.base, 0, 30)
  deletion_protection = var.bigtable_deletion_protection
  labels              = local.labels

  cluster {
    cluster_id   = local.bigtable_cluster
    zone         = var.bigtable_zone
    storage_type = var.bigtable_storage_type
    num_nodes    = var.bigtable_autoscaling == null ? var.bigtable_num_nodes : null

    dynamic "autoscaling_config" {
      for_each = var.bigtable_autoscaling == null ? [] : [var.bigtable_autoscaling]
      content {
        min_nodes      = autoscaling_config.value.min_nodes
        max_nodes      = autoscaling_config.value.max_nodes
        cpu_target     = autoscaling_config.value.cpu_target
        storage_target = autoscaling_config.value.storage_target
      }
    }
  }
}

locals {
  table_protection = var.bigtable_deletion_protection ? "PROTECTED" : "UNPROTECTED"
}

# The three tables exactly as the stores' createTable helpers make them (functions-gcp
# bigtable/*), which the tests and the e2e sandbox use against the emulator:
#   records      (BigtableRecordStore)    families s and o, each maxVersions(1)
#   dedupe       (BigtableDedupeStore)    family d, union(maxAge, maxVersions(1))
#   dead-letters (BigtableDeadLetterSink) family l, no GC rule (kept until someone deletes them)
# Terraform declares the families on the table and their GC rules as separate gc_policy resources.
resource "google_bigtable_table" "records" {
  project             = var.project_id
  instance_name       = google_bigtable_instance.main.name
  name                = local.records_table
  deletion_protection = local.table_protection

  column_family {
    family = "s"
  }
  column_family {
    family = "o"
  }
}

resource "google_bigtable_table" "dedupe" {
  project             = var.project_id
  instance_name       = google_bigtable_instance.main.name
  name                = local.dedupe_table
  deletion_protection = local.table_protection

  column_family {
    family = "d"
  }
}

resource "google_bigtable_table" "dead_letters" {
  project             = var.project_id
  instance_name       = google_bigtable_instance.main.name
  name                = local.dead_letters_table
  deletion_protection = local.table_protection

  column_family {
    family = "l"
  }
}

# Every write replaces the row's cells, so one version is all the code ever reads.
resource "google_bigtable_gc_policy" "records_state" {
  project         = var.project_id
  instance_name   = google_bigtable_instance.main.name
  table           = google_bigtable_table.records.name
  column_family   = "s"
  deletion_policy = "ABANDON"

  max_version {
    number = 1
  }
}

resource "google_bigtable_gc_policy" "records_outbox" {
  project         = var.project_id
  instance_name   = google_bigtable_instance.main.name
  table           = google_bigtable_table.records.name
  column_family   = "o"
  deletion_policy = "ABANDON"

  max_version {
    number = 1
  }

  # Two concurrent ModifyColumnFamilies calls on one table can fail; one after the other.
  depends_on = [google_bigtable_gc_policy.records_state]
}

# The dedupe entries must outlive the bus's redelivery window: Pub/Sub may redeliver an intent for
# up to 7 days (the subscription's retention), and the dedupe TTL is 7 days (ReplicaConfig). 8 days
# (192h) is the value the functions-gcp tests create the table with: one day of margin, since
# Bigtable GC runs late anyway and the code checks expiresAt on read, so a longer max age never
# changes behaviour, it only keeps dead rows a little longer.
resource "google_bigtable_gc_policy" "dedupe" {
  project         = var.project_id
  instance_name   = google_bigtable_instance.main.name
  table           = google_bigtable_table.dedupe.name
  column_family   = "d"
  mode            = "UNION"
  deletion_policy = "ABANDON"

  max_age {
    duration = "192h"
  }

  max_version {
    number = 1
  }
}
