package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Parses {@code .tf} files with the pinned {@code @cdktf/hcl2json} (Terraform's own HCL parser,
 * compiled to WebAssembly), through {@code hcl2json/parse.cjs} in a Node.js process.
 */
public final class TfParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path script;

  /** @param hcl2jsonDir the folder holding {@code parse.cjs} and its installed {@code node_modules} */
  public TfParser(Path hcl2jsonDir) {
    this.script = hcl2jsonDir.resolve("parse.cjs");
    if (!Files.isDirectory(hcl2jsonDir.resolve("node_modules/@cdktf/hcl2json"))) {
      throw new IllegalStateException(
          "@cdktf/hcl2json is not installed in " + hcl2jsonDir + ": run the Maven build (it runs npm ci there)");
    }
  }

  /** Parses the files in one Node.js process. @throws IllegalArgumentException if one does not parse */
  public List<TfFile> parse(List<Path> files) {
    if (files.isEmpty()) {
      return List.of();
    }
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    files.forEach(f -> command.add(f.toString()));
    try {
      Process node = new ProcessBuilder(command).start();
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(node.getErrorStream()));
      byte[] out = node.getInputStream().readAllBytes();
      if (!node.waitFor(2, TimeUnit.MINUTES)) {
        node.destroyForcibly();
        throw new IllegalStateException("hcl2json did not finish within 2 minutes");
      }
      if (node.exitValue() != 0) {
        throw new IllegalArgumentException(
            "a Terraform file does not parse: " + new String(err.join(), StandardCharsets.UTF_8).strip());
      }
      List<TfFile> parsed = new ArrayList<>();
      for (JsonNode f : JSON.readTree(out).get("files")) {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        f.get("references").fields().forEachRemaining(e -> {
          List<String> values = new ArrayList<>();
          e.getValue().forEach(v -> values.add(v.asText()));
          refs.put(e.getKey(), List.copyOf(values));
        });
        parsed.add(new TfFile(Path.of(f.get("path").asText()), f.get("body"), Map.copyOf(refs)));
      }
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run node (Node.js must be on the PATH)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing", e);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
