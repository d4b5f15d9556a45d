package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Terraform module (a directory of {@code .tf} files), indexed by what it declares.
 *
 * <p>Addresses follow Terraform's: {@code var.x}, {@code local.x}, {@code output.x},
 * {@code module.x}, {@code data.type.name} and {@code type.name} for resources.
 */
public final class TfModule {

  /** A declared block: its address, the file it is in and its body. */
  public record Block(String address, Path file, JsonNode body) {}

  private static final Pattern LOCAL_ONLY = Pattern.compile("^\\$\\{local\\.([A-Za-z0-9_-]+)}$");

  /** The module's directory. */
  public final Path dir;
  /** How findings name the module: its directory relative to the checked root. */
  public final String name;
  public final Map<String, Block> variables = new LinkedHashMap<>();
  public final Map<String, Block> locals = new LinkedHashMap<>();
  public final Map<String, Block> outputs = new LinkedHashMap<>();
  /** Resources and data sources, by address. */
  public final Map<String, Block> resources = new LinkedHashMap<>();
  public final Map<String, Block> modules = new LinkedHashMap<>();
  /** {@code terraform} blocks, {@code provider} blocks by provider name. */
  public final List<Block> terraformBlocks = new ArrayList<>();
  public final Map<String, List<Block>> providers = new LinkedHashMap<>();
  /** Names a {@code dynamic} block's content may use as its iterator. */
  public final Set<String> iterators = new HashSet<>();

  /** Addresses declared more than once, described. */
  public final List<String> duplicates = new ArrayList<>();

  private final Map<String, List<String>> references = new LinkedHashMap<>();

  public TfModule(Path dir, String name, List<TfFile> files) {
    this.dir = dir;
    this.name = name;
    for (TfFile f : files) {
      references.putAll(f.references());
      JsonNode b = f.body();
      named(b.path("variable"), "var.", f.path(), variables);
      named(b.path("output"), "output.", f.path(), outputs);
      named(b.path("module"), "module.", f.path(), modules);
      for (JsonNode locs : b.path("locals")) {
        locs.fields().forEachRemaining(e -> declare(locals, new Block("local." + e.getKey(), f.path(), e.getValue()), 1));
      }
      typed(b.path("resource"), "", f.path());
      typed(b.path("data"), "data.", f.path());
      for (JsonNode t : b.path("terraform")) {
        terraformBlocks.add(new Block("terraform", f.path(), t));
      }
      b.path("provider").fields().forEachRemaining(e -> {
        for (JsonNode p : e.getValue()) {
          providers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new Block("provider." + e.getKey(), f.path(), p));
        }
      });
      collectIterators(b);
    }
  }

  private void named(JsonNode section, String prefix, Path file, Map<String, Block> into) {
    section.fields().forEachRemaining(e -> declare(into, new Block(prefix + e.getKey(), file, e.getValue().get(0)), e.getValue().size()));
  }

  private void typed(JsonNode section, String prefix, Path file) {
    section.fields().forEachRemaining(type -> type.getValue().fields().forEachRemaining(n -> {
      String address = prefix + type.getKey() + "." + n.getKey();
      declare(resources, new Block(address, file, n.getValue().get(0)), n.getValue().size());
    }));
  }

  /** Keeps the first declaration of an address and remembers any other: Terraform refuses them. */
  private void declare(Map<String, Block> into, Block block, int timesInFile) {
    Block first = into.putIfAbsent(block.address(), block);
    if (first != null || timesInFile > 1) {
      duplicates.add((first != null ? first : block).file().getFileName() + " and " + block.file().getFileName()
          + " both declare " + block.address());
    }
  }

  private void collectIterators(JsonNode node) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (e.getKey().equals("dynamic")) {
          e.getValue().fields().forEachRemaining(d -> {
            iterators.add(d.getKey());
            d.getValue().forEach(v -> {
              if (v.has("iterator")) {
                iterators.add(v.get("iterator").asText());
              }
            });
          });
        }
        collectIterators(e.getValue());
      });
    } else if (node.isArray()) {
      node.forEach(this::collectIterators);
    }
  }

  /** The blocks of one resource (or {@code data.}) type. */
  public List<Block> ofType(String type) {
    List<Block> found = new ArrayList<>();
    resources.forEach((address, block) -> {
      if (address.startsWith(type + ".") && address.indexOf('.', type.length() + 1) < 0) {
        found.add(block);
      }
    });
    return found;
  }

  /** The type of a resource address ({@code aws_sqs_queue.dlq} gives {@code aws_sqs_queue}). */
  public static String typeOf(String address) {
    String a = address.startsWith("data.") ? address.substring(5) : address;
    return a.substring(0, a.indexOf('.'));
  }

  /** Where a finding points: {@code aws: aws_lambda_function.intent (main.tf)}. */
  public String where(Block block) {
    return name + ": " + block.address() + " (" + block.file().getFileName() + ")";
  }

  /** The references hcl2json found in one expression string (none for a literal). */
  public List<String> refs(String expression) {
    return references.getOrDefault(expression, List.of());
  }

  /** Every reference in every expression under {@code node}, as written. */
  public Set<String> refsIn(JsonNode node) {
    Set<String> found = new LinkedHashSet<>();
    walk(node, "", (path, s) -> found.addAll(refs(s)));
    return found;
  }

  /**
   * The address a reference points at: {@code var.x}, {@code local.x}, {@code module.x},
   * {@code data.t.n}, {@code t.n}, or the reference's first part for everything else
   * ({@code path}, {@code each}, an iterator).
   */
  public static String address(String ref) {
    String[] p = ref.split("\\.");
    return switch (p[0]) {
      case "var", "local", "module" -> p.length > 1 ? p[0] + "." + p[1] : p[0];
      case "data" -> p.length > 2 ? "data." + p[1] + "." + p[2] : ref;
      default -> p.length > 1 && p[0].contains("_") ? p[0] + "." + p[1] : p[0];
    };
  }

  /** The resources and data sources {@code node} depends on, through locals too. */
  public Set<String> dependencies(JsonNode node) {
    Set<String> found = new LinkedHashSet<>();
    collect(node, found, new HashSet<>());
    return found;
  }

  private void collect(JsonNode node, Set<String> found, Set<String> seenLocals) {
    for (String ref : refsIn(node)) {
      String a = address(ref);
      if (a.startsWith("local.")) {
        if (seenLocals.add(a) && locals.containsKey(a)) {
          collect(locals.get(a).body(), found, seenLocals);
        }
      } else if (resources.containsKey(a)) {
        found.add(a);
      }
    }
  }

  /**
   * The resources and data sources one attribute of a block depends on; when the attribute reads
   * {@code each.key} or {@code each.value}, what the block's {@code for_each} depends on too.
   */
  public Set<String> dependencies(Block block, JsonNode attribute) {
    Set<String> found = dependencies(attribute);
    if (refsIn(attribute).stream().anyMatch(r -> r.startsWith("each.")) && block.body().has("for_each")) {
      found.addAll(dependencies(block.body().get("for_each")));
    }
    return found;
  }

  /** The variables {@code node} reads, through locals too. */
  public Set<String> variablesIn(JsonNode node) {
    Set<String> found = new LinkedHashSet<>();
    variablesIn(node, found, new HashSet<>());
    return found;
  }

  private void variablesIn(JsonNode node, Set<String> found, Set<String> seenLocals) {
    for (String ref : refsIn(node)) {
      String a = address(ref);
      if (a.startsWith("var.")) {
        found.add(a);
      } else if (a.startsWith("local.") && seenLocals.add(a) && locals.containsKey(a)) {
        variablesIn(locals.get(a).body(), found, seenLocals);
      }
    }
  }

  /**
   * Everything {@code node} reads, followed through locals, resources and data sources (their
   * whole bodies, {@code depends_on} included): the addresses of the variables, locals, resources
   * and data sources it reaches. Module outputs are not followed.
   */
  public Set<String> reach(JsonNode node) {
    Set<String> found = new LinkedHashSet<>();
    reach(node, found);
    return found;
  }

  private void reach(JsonNode node, Set<String> found) {
    for (String ref : refsIn(node)) {
      String a = address(ref);
      if (!found.add(a)) {
        continue;
      }
      Block b = a.startsWith("local.") ? locals.get(a) : resources.get(a);
      if (b != null) {
        reach(b.body(), found);
      }
    }
  }

  /** A map written in place, or named by a lone {@code ${local.x}}; null when neither. */
  public JsonNode mapValue(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      return node;
    }
    Matcher m = LOCAL_ONLY.matcher(node.asText());
    if (node.isTextual() && m.matches() && locals.containsKey("local." + m.group(1))) {
      return mapValue(locals.get("local." + m.group(1)).body());
    }
    return null;
  }

  /** Descends a dotted path; nested blocks (arrays) give their first element. Missing: a missing node. */
  public static JsonNode at(JsonNode node, String path) {
    JsonNode n = node;
    for (String part : path.split("\\.")) {
      n = first(n).path(part);
    }
    return first(n);
  }

  private static JsonNode first(JsonNode n) {
    return n.isArray() && n.size() > 0 && n.get(0).isObject() ? n.get(0) : n;
  }

  /** Calls {@code visitor} with the path and value of every string under {@code node}, keys that are expressions included. */
  public static void walk(JsonNode node, String path, BiConsumer<String, String> visitor) {
    if (node.isTextual()) {
      visitor.accept(path, node.asText());
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", visitor);
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().contains("${")) {
          visitor.accept(at, e.getKey());
        }
        walk(e.getValue(), at, visitor);
      });
    }
  }
}
