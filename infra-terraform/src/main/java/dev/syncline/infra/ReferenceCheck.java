package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Check#REFERENCES}: every reference resolves to something the module declares (or, for
 * {@code module.x.y}, an output of a local child module); module calls pass only variables the
 * child declares and every one it requires; a variable's validation reads only that variable
 * (Terraform before 1.9 allows nothing else); and the references form no cycle, across module
 * calls too, which Terraform would refuse at plan time.
 */
final class ReferenceCheck implements Validator.ModuleCheck {

  private static final Set<String> BUILT_IN = Set.of("path", "terraform", "count", "each", "self");
  private static final Set<String> CALL_META = Set.of("source", "version", "providers", "depends_on", "count", "for_each");

  @Override
  public void check(TfTree tree, TfModule m, List<Finding> findings) {
    Set<String> providerNames = providerNames(m);
    List<TfModule.Block> all = new ArrayList<>();
    for (Map<String, TfModule.Block> blocks : List.of(m.variables, m.locals, m.outputs, m.resources, m.modules)) {
      all.addAll(blocks.values());
    }
    m.providers.values().forEach(all::addAll);
    for (TfModule.Block b : all) {
      TfModule.walk(b.body(), "", (path, s) -> {
        if (ignored(b, path)) {
          return;
        }
        for (String ref : m.refs(s)) {
          String problem = outOfScope(b, ref);
          if (problem == null) {
            problem = unresolved(tree, m, ref, providerNames);
          }
          if (problem != null) {
            findings.add(new Finding(Check.REFERENCES, m.where(b), problem + " (at " + path + ")"));
          }
        }
      });
    }
    m.duplicates.forEach(d -> findings.add(new Finding(Check.REFERENCES, m.name, d)));
    validationsReadOnlyTheirVariable(m, findings);
    moduleCalls(tree, m, findings);
    String cycle = new Graph(tree).cycleFrom(m);
    if (cycle != null) {
      findings.add(new Finding(Check.REFERENCES, m.name, "dependency cycle: " + cycle));
    }
  }

  private static boolean ignored(TfModule.Block b, String path) {
    return path.matches("lifecycle(\\[\\d+])?\\.ignore_changes.*")
        || (b.address().startsWith("module.") && path.startsWith("providers"))
        || (b.address().startsWith("var.") && path.equals("type"));
  }

  /** {@code each.} only where the block has {@code for_each}, {@code count.} only where it has {@code count}. */
  private static String outOfScope(TfModule.Block b, String ref) {
    if (ref.startsWith("each.") && !b.body().has("for_each")) {
      return ref + " in a block without for_each";
    }
    if (ref.startsWith("count.") && !b.body().has("count")) {
      return ref + " in a block without count";
    }
    return null;
  }

  private static Set<String> providerNames(TfModule m) {
    Set<String> names = new LinkedHashSet<>(m.providers.keySet());
    for (TfModule.Block t : m.terraformBlocks) {
      for (JsonNode rp : t.body().path("required_providers")) {
        rp.fieldNames().forEachRemaining(names::add);
      }
    }
    return names;
  }

  private static String unresolved(TfTree tree, TfModule m, String ref, Set<String> providerNames) {
    String a = TfModule.address(ref);
    String root = ref.split("\\.")[0];
    if (a.startsWith("var.")) {
      return m.variables.containsKey(a) ? null : "undeclared variable " + a;
    }
    if (a.startsWith("local.")) {
      return m.locals.containsKey(a) ? null : "undeclared local " + a;
    }
    if (a.startsWith("module.")) {
      TfModule.Block call = m.modules.get(a);
      if (call == null) {
        return "undeclared module " + a;
      }
      TfModule child = tree.child(m, call);
      String[] parts = ref.split("\\.");
      if (child != null && parts.length > 2 && !child.outputs.containsKey("output." + parts[2])) {
        return "module " + parts[1] + " (" + child.name + ") has no output " + parts[2];
      }
      return null;
    }
    if (BUILT_IN.contains(root) || m.iterators.contains(root) || providerNames.contains(root)) {
      return null;
    }
    if (m.resources.containsKey(a)) {
      return null;
    }
    return a.startsWith("data.") ? "undeclared data source " + a
        : a.contains(".") ? "undeclared resource " + a : "unknown name " + ref;
  }

  private static void validationsReadOnlyTheirVariable(TfModule m, List<Finding> findings) {
    m.variables.forEach((address, v) -> {
      for (JsonNode validation : v.body().path("validation")) {
        for (String ref : m.refsIn(validation.path("condition"))) {
          String a = TfModule.address(ref);
          if (!a.equals(address) && (a.startsWith("var.") || a.startsWith("local.") || a.contains("."))) {
            findings.add(new Finding(Check.REFERENCES, m.where(v),
                "its validation reads " + ref + "; before Terraform 1.9 a validation may read only its own variable"));
          }
        }
      }
    });
  }

  private static void moduleCalls(TfTree tree, TfModule m, List<Finding> findings) {
    for (TfModule.Block call : m.modules.values()) {
      String source = TfTree.localSource(call);
      if (source == null) {
        continue;
      }
      TfModule child = tree.child(m, call);
      if (child == null) {
        findings.add(new Finding(Check.REFERENCES, m.where(call), "its source " + source + " holds no Terraform module"));
        continue;
      }
      call.body().fieldNames().forEachRemaining(arg -> {
        if (!CALL_META.contains(arg) && !child.variables.containsKey("var." + arg)) {
          findings.add(new Finding(Check.REFERENCES, m.where(call), child.name + " has no variable " + arg));
        }
      });
      child.variables.forEach((address, v) -> {
        String name = address.substring(4);
        if (!v.body().has("default") && !call.body().has(name)) {
          findings.add(new Finding(Check.REFERENCES, m.where(call), "the required variable " + name + " of " + child.name + " is not passed"));
        }
      });
    }
  }

  /**
   * Terraform's dependency graph at its own granularity: one node per variable, local, output,
   * resource and data source of each module instance; a module call's arguments feed the child's
   * variables and {@code module.x.y} reads the child's output {@code y}.
   */
  private static final class Graph {
    private final TfTree tree;
    private final Map<String, Set<String>> edges = new LinkedHashMap<>();

    Graph(TfTree tree) {
      this.tree = tree;
    }

    String cycleFrom(TfModule root) {
      add(root, "", 0);
      Map<String, Integer> state = new HashMap<>();
      for (String node : edges.keySet()) {
        List<String> path = new ArrayList<>();
        String found = visit(node, state, path);
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    private String visit(String node, Map<String, Integer> state, List<String> path) {
      Integer s = state.get(node);
      if (s != null && s == 2) {
        return null;
      }
      path.add(node);
      if (s != null && s == 1) {
        return String.join(" -> ", path.subList(path.indexOf(node), path.size()));
      }
      state.put(node, 1);
      for (String next : edges.getOrDefault(node, Set.of())) {
        String found = visit(next, state, path);
        if (found != null) {
          return found;
        }
      }
      state.put(node, 2);
      path.remove(path.size() - 1);
      return null;
    }

    private void add(TfModule m, String prefix, int depth) {
      for (Map<String, TfModule.Block> blocks : List.of(m.locals, m.outputs, m.resources)) {
        for (TfModule.Block b : blocks.values()) {
          String node = prefix + b.address();
          Set<String> to = edges.computeIfAbsent(node, k -> new LinkedHashSet<>());
          for (String ref : m.refsIn(b.body())) {
            String target = target(m, prefix, ref);
            if (target != null && !target.equals(node)) {
              to.add(target);
            }
          }
        }
      }
      if (depth > 8) {
        return;
      }
      for (TfModule.Block call : m.modules.values()) {
        TfModule child = tree.child(m, call);
        if (child == null) {
          continue;
        }
        String childPrefix = prefix + call.address() + ".";
        call.body().fields().forEachRemaining(arg -> {
          if (CALL_META.contains(arg.getKey())) {
            return;
          }
          Set<String> to = edges.computeIfAbsent(childPrefix + "var." + arg.getKey(), k -> new LinkedHashSet<>());
          for (String ref : m.refsIn(arg.getValue())) {
            String target = target(m, prefix, ref);
            if (target != null) {
              to.add(target);
            }
          }
        });
        add(child, childPrefix, depth + 1);
        // module.x as a whole (depends_on = [module.x]) waits for every node of x.
        Set<String> whole = edges.computeIfAbsent(prefix + call.address(), k -> new LinkedHashSet<>());
        edges.keySet().stream().filter(n -> n.startsWith(childPrefix)).forEach(whole::add);
        // A call's depends_on, count and for_each hold back every node of the child.
        Set<String> heldBy = new LinkedHashSet<>();
        for (String meta : List.of("depends_on", "count", "for_each")) {
          for (String ref : m.refsIn(call.body().path(meta))) {
            String target = target(m, prefix, ref);
            if (target != null) {
              heldBy.add(target);
            }
          }
        }
        if (!heldBy.isEmpty()) {
          edges.forEach((node, to) -> {
            if (node.startsWith(childPrefix)) {
              heldBy.stream().filter(h -> !h.startsWith(childPrefix)).forEach(to::add);
            }
          });
        }
      }
    }

    private String target(TfModule m, String prefix, String ref) {
      String a = TfModule.address(ref);
      if (a.startsWith("module.")) {
        String[] parts = ref.split("\\.");
        TfModule.Block call = m.modules.get(a);
        if (call != null && tree.child(m, call) != null && parts.length > 2) {
          return prefix + a + ".output." + parts[2];
        }
        return prefix + a;
      }
      if (a.startsWith("var.") || a.startsWith("local.") || m.resources.containsKey(a)) {
        return prefix + a;
      }
      return null;
    }
  }
}
