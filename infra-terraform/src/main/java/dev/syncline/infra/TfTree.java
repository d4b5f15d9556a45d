package dev.syncline.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Every Terraform module under one folder, and how module calls with local sources resolve. */
public final class TfTree {

  /** Folders that never hold modules: the parser, the build, the checks' own fixtures. */
  private static final Set<String> SKIPPED = Set.of("hcl2json", "src", "target", "node_modules", ".terraform");

  public final Path root;
  /** By normalized absolute directory, in path order. */
  public final Map<Path, TfModule> modules = new LinkedHashMap<>();

  private TfTree(Path root) {
    this.root = root;
  }

  /** Parses every {@code .tf} file under {@code root} (one module per folder). */
  public static TfTree load(Path root, TfParser parser) {
    TfTree tree = new TfTree(root.toAbsolutePath().normalize());
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(tree.root)) {
      s.filter(p -> p.toString().endsWith(".tf") && Files.isRegularFile(p))
          .filter(p -> !skipped(tree.root.relativize(p)))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tree.add(parser.parse(files));
    // Modules called from the tree but outside it (checking one example alone) are loaded too.
    while (true) {
      List<Path> outside = new ArrayList<>();
      for (TfModule m : List.copyOf(tree.modules.values())) {
        for (TfModule.Block call : m.modules.values()) {
          String source = localSource(call);
          Path dir = source == null ? null : m.dir.resolve(source).normalize();
          if (dir != null && !tree.modules.containsKey(dir) && Files.isDirectory(dir)) {
            outside.addAll(tfFiles(dir));
          }
        }
      }
      if (outside.isEmpty()) {
        return tree;
      }
      tree.add(parser.parse(outside.stream().distinct().toList()));
    }
  }

  private void add(List<TfFile> parsed) {
    Map<Path, List<TfFile>> byDir = new LinkedHashMap<>();
    for (TfFile f : parsed) {
      byDir.computeIfAbsent(f.path().getParent(), d -> new ArrayList<>()).add(f);
    }
    byDir.forEach((dir, fs) -> {
      String name = root.relativize(dir).toString();
      modules.put(dir, new TfModule(dir, name.isEmpty() ? "." : name, fs));
    });
  }

  private static List<Path> tfFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".tf") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      if (SKIPPED.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  /** A module call's source, when it is a local path ({@code ./} or {@code ../}); null otherwise. */
  public static String localSource(TfModule.Block call) {
    String source = call.body().path("source").asText("");
    return source.startsWith("./") || source.startsWith("../") ? source : null;
  }

  /** The module a call with a local source loads, if it is in the tree. */
  public TfModule child(TfModule parent, TfModule.Block call) {
    String source = localSource(call);
    return source == null ? null : modules.get(parent.dir.resolve(source).normalize());
  }
}
