package dev.syncline.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The app azure-functions-maven-plugin packaged: a {@code function.json} for every function, and
 * each one's {@code scriptFile}/{@code entryPoint} resolving to a public class and method in the
 * packaged jar, loaded with only the app's own {@code lib/} and the functions library (which the
 * Java worker supplies) beside it.
 */
class PackagedAppIT {

  private static final ObjectMapper JSON = dev.syncline.core.json.Json.newMapper();

  @Test
  void everyFunction_hasItsFunctionJson_andItsEntryPointResolvesInThePackagedJar() throws Exception {
    // Failsafe sets it, after package; surefire runs this class too when -Dtest names no class (-Dtest='!X').
    Assumptions.assumeTrue(System.getProperty("syncline.azure.app") != null, "runs under failsafe, on the packaged app");
    Path app = Path.of(System.getProperty("syncline.azure.app"));
    assertThat(JSON.readTree(app.resolve("host.json").toFile()).path("extensionBundle").path("id").asText())
        .isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
    TreeMap<String, JsonNode> functions = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(app)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path json = dir.resolve("function.json");
        if (Files.exists(json)) {
          functions.put(dir.getFileName().toString(), JSON.readTree(json.toFile()));
        }
      }
    }
    assertThat(functions).containsOnlyKeys("EventGridIntent", "HttpIngress", "OutboxDrain", "AntiEntropy");
    assertThat(functions.get("EventGridIntent").path("bindings").get(0).path("type").asText()).isEqualTo("eventGridTrigger");
    assertThat(functions.get("HttpIngress").path("bindings").get(0).path("route").asText()).isEqualTo("{*path}");
    assertThat(functions.get("OutboxDrain").path("bindings").get(0).path("type").asText()).isEqualTo("timerTrigger");
    assertThat(functions.get("AntiEntropy").path("bindings").get(0).path("type").asText()).isEqualTo("timerTrigger");
    assertThat(functions.get("AntiEntropy").path("bindings").get(0).path("schedule").asText()).isEqualTo("0 */1 * * * *");

    for (var e : functions.entrySet()) {
      Path jar = app.resolve(e.getKey()).resolve(e.getValue().path("scriptFile").asText()).normalize();
      assertThat(jar).as(e.getKey() + " scriptFile").exists();
      // The Java worker supplies the functions library itself; the plugin leaves it out of lib/.
      List<URL> classpath = new ArrayList<>(List.of(jar.toUri().toURL(),
          com.microsoft.azure.functions.ExecutionContext.class.getProtectionDomain().getCodeSource().getLocation(),
          com.microsoft.azure.functions.annotation.FunctionName.class.getProtectionDomain().getCodeSource().getLocation()));
      try (Stream<Path> libs = Files.list(app.resolve("lib"))) {
        for (Path lib : (Iterable<Path>) libs::iterator) {
          classpath.add(lib.toUri().toURL());
        }
      }
      String entryPoint = e.getValue().path("entryPoint").asText();
      String className = entryPoint.substring(0, entryPoint.lastIndexOf('.'));
      String methodName = entryPoint.substring(entryPoint.lastIndexOf('.') + 1);
      try (URLClassLoader loader = new URLClassLoader(classpath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
        Class<?> type = Class.forName(className, true, loader);
        assertThat(Modifier.isPublic(type.getModifiers())).as(className + " is public").isTrue();
        assertThat(type.getConstructor()).as(className + "()").isNotNull();
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getMethods()) {
          if (m.getName().equals(methodName)) {
            methods.add(m);
          }
        }
        assertThat(methods).as(entryPoint).hasSize(1);
      }
    }
  }
}
