package dev.syncline.gcp.bigtable;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.emulator.v2.Emulator;
import java.util.UUID;

/**
 * The Bigtable emulator that ships inside google-cloud-bigtable-emulator (its bundled {@code
 * cbtemulator} binary), started once per test JVM and stopped when the JVM exits.
 */
public final class BigtableEmulator {

  public static final String PROJECT = "syncline-test";
  public static final String INSTANCE = "syncline";

  private static BigtableEmulator instance;

  public final int port;
  public final BigtableDataClient data;
  public final BigtableTableAdminClient admin;

  private BigtableEmulator(int port) throws Exception {
    this.port = port;
    this.data = BigtableDataClient.create(
        BigtableDataSettings.newBuilderForEmulator(port).setProjectId(PROJECT).setInstanceId(INSTANCE).build());
    this.admin = BigtableTableAdminClient.create(
        BigtableTableAdminSettings.newBuilderForEmulator(port).setProjectId(PROJECT).setInstanceId(INSTANCE).build());
  }

  public static synchronized BigtableEmulator get() {
    if (instance == null) {
      try {
        Emulator emulator = Emulator.createBundled();
        emulator.start(); // it stops itself when the JVM exits
        instance = new BigtableEmulator(emulator.getPort());
      } catch (Exception e) {
        throw new IllegalStateException("the Bigtable emulator did not start", e);
      }
    }
    return instance;
  }

  public static String uniqueTable(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
