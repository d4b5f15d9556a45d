package dev.syncline.e2e.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function's deployment package unpacked as Lambda unpacks it into {@code /var/task}: the
 * Runtime Interface Client loads the handler from that folder (its working directory) and the
 * jars in its {@code lib/}, with a class loader of its own.
 */
final class DeploymentPackage {

  private static final String STAMP = ".syncline-deployment-package";

  private DeploymentPackage() {}

  /**
   * Unpacks {@code zip} into {@code taskRoot}, unless it already holds this very package (same
   * path, size and modification time).
   *
   * @return {@code taskRoot}
   */
  static Path unpack(Path zip, Path taskRoot) {
    try {
      String stamp = zip.toAbsolutePath() + "\n" + Files.size(zip) + "\n" + Files.getLastModifiedTime(zip).toMillis();
      Path stampFile = taskRoot.resolve(STAMP);
      if (Files.isRegularFile(stampFile) && Files.readString(stampFile, StandardCharsets.UTF_8).equals(stamp)) {
        return taskRoot;
      }
      Files.createDirectories(taskRoot.getParent());
      Path fresh = taskRoot.resolveSibling(taskRoot.getFileName() + ".tmp-" + UUID.randomUUID());
      extract(zip, fresh);
      Files.writeString(fresh.resolve(STAMP), stamp, StandardCharsets.UTF_8);
      deleteTree(taskRoot);
      Files.move(fresh, taskRoot, StandardCopyOption.ATOMIC_MOVE);
      return taskRoot;
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack " + zip + " into " + taskRoot, e);
    }
  }

  private static void extract(Path zip, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    Files.createDirectories(root);
    try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("the package has an entry outside its root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
