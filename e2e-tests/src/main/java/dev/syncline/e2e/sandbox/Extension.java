package dev.syncline.e2e.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Syncline extension as DevOps ships it beside the stock functions, in each cloud's shape
 * (functions-* READMEs, "Extensions"): on AWS the Lambda layer, which Lambda unpacks into
 * {@code /opt} and whose {@code java/lib/*.jar} its Java runtime loads; on Azure the jar in
 * {@code lib/} of the app package; on Google Cloud the jar as {@code lib/syncline-extension-1.jar}
 * of the deploy folder, the first of the four names the function jar's manifest reserves.
 *
 * @param jar the extension jar
 * @param lambdaLayer a Lambda layer zip that holds it under {@code java/lib/}
 */
public record Extension(Path jar, Path lambdaLayer) {

  /** The first of the names the GCP function jar's manifest {@code Class-Path} reserves in {@code lib/}. */
  public static final String GCP_LIB_NAME = "syncline-extension-1.jar";

  public Extension {
    jar = require(jar);
    lambdaLayer = require(lambdaLayer);
  }

  /** {@code examples/first-extension}, as its build leaves it: the jar and {@code target/layer.zip}. */
  public static Extension example(Layout layout) {
    Path target = layout.root().resolve("examples/first-extension/target");
    return new Extension(target.resolve("first-extension.jar"), target.resolve("layer.zip"));
  }

  /** {@code jar} and a layer zip made from it beside it ({@code <name>-layer.zip}), as a build would. */
  public static Extension of(Path jar) {
    String name = jar.getFileName().toString();
    Path layer = jar.resolveSibling(name.replaceFirst("\\.jar$", "") + "-layer.zip");
    try (OutputStream file = Files.newOutputStream(layer); ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("java/lib/" + name));
      Files.copy(jar, zip);
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the layer " + layer, e);
    }
    return new Extension(jar, layer);
  }

  private static Path require(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: build the extension first (mvn verify builds examples/first-extension)");
    }
    return p.toAbsolutePath();
  }
}
