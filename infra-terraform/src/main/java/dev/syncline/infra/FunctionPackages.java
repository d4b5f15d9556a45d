package dev.syncline.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The built function packages Terraform deploys, read as the platforms would: the shaded Lambda
 * jar, the Azure Functions app folder (one {@code function.json} per function) and the Cloud
 * Functions folder (a jar and its {@code lib/}). Only Syncline's own classes
 * ({@code dev.syncline.*}) are indexed.
 */
public final class FunctionPackages {

  /**
   * The three clouds, with the {@code SYNCLINE_*} names their functions read only off-cloud, and
   * the names Terraform sets before the functions read them.
   */
  public enum Cloud {
    AWS(Map.of(
        "SYNCLINE_SECRETS", "plain-text secrets for local runs; in AWS the functions read SYNCLINE_SECRETS_ARN",
        "SYNCLINE_DYNAMODB_ENDPOINT", "an emulator endpoint",
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "plain http to loopback peers, for tests"),
        Map.of()),
    AZURE(Map.of(
        "SYNCLINE_STORAGE_CONNECTION", "a connection string with an account key (Azurite); in Azure the functions use SYNCLINE_TABLES_ENDPOINT with a managed identity",
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "plain http to loopback peers, for tests"),
        Map.of()),
    GCP(Map.of(
        "SYNCLINE_BIGTABLE_EMULATOR_PORT", "an emulator port",
        "SYNCLINE_ALLOW_PLAIN_HTTP_LOOPBACK", "plain http to loopback peers, for tests"),
        Map.of());

    /** Names read only in local runs and tests, and why; Terraform must not set them. */
    public final Map<String, String> localOnly;

    /**
     * Names the modules set before the package reads them, and why: every function must set them,
     * like the names the package reads. Once the package reads one, the check asks for its removal
     * from this list.
     */
    public final Map<String, String> aheadOfCode;

    Cloud(Map<String, String> localOnly, Map<String, String> aheadOfCode) {
      this.localOnly = localOnly;
      this.aheadOfCode = aheadOfCode;
    }

  }

  private static final Pattern ENV_NAME = Pattern.compile("SYNCLINE_[A-Z0-9_]*[A-Z0-9]");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Cloud, Path> paths = new EnumMap<>(Cloud.class);
  private final Map<Cloud, Map<String, ClassFile>> classes = new EnumMap<>(Cloud.class);

  /**
   * @param awsJar {@code functions-aws/target/syncline-aws.jar}
   * @param azureApp {@code functions-azure/target/azure-functions/syncline-azure}
   * @param gcpDeploy {@code functions-gcp/target/deploy}
   */
  public FunctionPackages(Path awsJar, Path azureApp, Path gcpDeploy) {
    paths.put(Cloud.AWS, awsJar);
    paths.put(Cloud.AZURE, azureApp);
    paths.put(Cloud.GCP, gcpDeploy);
  }

  /** The package's path, as given. */
  public Path path(Cloud cloud) {
    return paths.get(cloud);
  }

  /** A Syncline class in the cloud's package. */
  public Optional<ClassFile> find(Cloud cloud, String binaryName) {
    return Optional.ofNullable(classes(cloud).get(binaryName));
  }

  /** Every {@code SYNCLINE_*} name a string constant of the package's classes holds. */
  public Set<String> environmentNames(Cloud cloud) {
    Set<String> names = new TreeSet<>();
    for (ClassFile c : classes(cloud).values()) {
      for (String s : c.strings()) {
        Matcher m = ENV_NAME.matcher(s);
        while (m.find()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }

  /** The {@code function.json} of one Azure function, if the app has that function. */
  public Optional<JsonNode> azureFunction(String name) {
    Path json = require(Cloud.AZURE).resolve(name).resolve("function.json");
    try {
      return Files.isRegularFile(json) ? Optional.of(JSON.readTree(json.toFile())) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized Map<String, ClassFile> classes(Cloud cloud) {
    return classes.computeIfAbsent(cloud, c -> {
      Path p = require(c);
      Map<String, ClassFile> found = new HashMap<>();
      for (Path jar : jars(p)) {
        readJar(jar, found);
      }
      return found;
    });
  }

  private Path require(Cloud cloud) {
    Path p = paths.get(cloud);
    if (p == null || !Files.exists(p)) {
      throw new IllegalStateException("the " + cloud + " function package " + p
          + " is not built: run `mvn -B -ntp -DskipTests package` at the repository root first");
    }
    return p;
  }

  private static List<Path> jars(Path p) {
    if (Files.isRegularFile(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      return new ArrayList<>(s.filter(f -> f.toString().endsWith(".jar")).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readJar(Path jar, Map<String, ClassFile> into) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        if (e.getName().startsWith("dev/syncline/") && e.getName().endsWith(".class")) {
          ClassFile c = ClassFile.read(zip.getInputStream(e).readAllBytes());
          into.put(c.name(), c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }
}
