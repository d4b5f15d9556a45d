package dev.syncline.e2e.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A built deployable (the Azure app package, the GCP deploy folder) staged again with one more file
 * in it, as DevOps adds an extension jar to {@code lib/} before deploying: the built folder stays
 * as the build left it, for every other sandbox.
 */
public final class Deployables {

  private Deployables() {}

  /**
   * Replaces {@code staged} with the tree of {@code built} (hard links where the file system allows
   * them, else copies) plus {@code extra} copied to {@code staged/relative}.
   *
   * @return {@code staged}
   */
  public static Path stageWith(Path built, Path staged, String relative, Path extra) {
    try {
      deleteTree(staged);
      try (Stream<Path> tree = Files.walk(built)) {
        for (Path from : (Iterable<Path>) tree::iterator) {
          Path to = staged.resolve(built.relativize(from).toString());
          if (Files.isDirectory(from)) {
            Files.createDirectories(to);
          } else {
            link(from, to);
          }
        }
      }
      Path target = staged.resolve(relative);
      Files.createDirectories(target.getParent());
      Files.copy(extra, target, StandardCopyOption.REPLACE_EXISTING);
      return staged;
    } catch (IOException e) {
      throw new UncheckedIOException("could not stage " + built + " with " + extra + " in " + staged, e);
    }
  }

  private static void link(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (FileSystemException | UnsupportedOperationException e) {
      Files.copy(from, to);
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
