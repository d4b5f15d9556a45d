package dev.syncline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every handler string the docs name ({@code package.Class::method}) must resolve inside the
 * shaded jar, loaded on its own with only Lambda's runtime library beside it, as Lambda loads it.
 */
class HandlerStringsIT {

  private static final Pattern HANDLER = Pattern.compile("`(dev\\.syncline\\.aws\\.[A-Za-z0-9_.]+)::([a-zA-Z0-9_]+)`");

  @Test
  void everyDocumentedHandler_resolvesToAPublicClassAndMethod_inTheShadedJar() throws Exception {
    // Surefire runs it too when -Dtest only excludes (e.g. '!SimulationTest'), before the jar exists.
    Assumptions.assumeTrue(System.getProperty("syncline.aws.jar") != null, "runs under failsafe, on the shaded jar");
    Path jar = Path.of(System.getProperty("syncline.aws.jar"));
    String readme = Files.readString(Path.of(System.getProperty("syncline.aws.readme")));
    List<String[]> handlers = new ArrayList<>();
    Matcher m = HANDLER.matcher(readme);
    while (m.find()) {
      handlers.add(new String[] {m.group(1), m.group(2)});
    }
    assertThat(handlers).as("handler strings in the README").hasSizeGreaterThanOrEqualTo(3);
    URL lambdaRuntime = RequestStreamHandler.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(), lambdaRuntime}, ClassLoader.getPlatformClassLoader())) {
      for (String[] handler : handlers) {
        Class<?> type = Class.forName(handler[0], true, loader);
        assertThat(Modifier.isPublic(type.getModifiers())).as(handler[0] + " is public").isTrue();
        assertThat(type.getConstructor().getModifiers() & Modifier.PUBLIC).as(handler[0] + "()").isNotZero();
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
          if (method.getName().equals(handler[1]) && !method.isBridge()) {
            methods.add(method);
          }
        }
        assertThat(methods).as(handler[0] + "::" + handler[1]).isNotEmpty();
      }
      // The jar carries what the handlers need at runtime, including the SDK's HTTP client SPI.
      assertThat(loader.getResource("META-INF/services/software.amazon.awssdk.http.SdkHttpService")).isNotNull();
      assertThat(loader.getResource("software/amazon/awssdk/http/apache/ApacheHttpClient.class")).isNull();
      // ... and an SLF4J provider with its settings, or the functions' own log lines are dropped.
      assertThat(loader.getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).isNotNull();
      assertThat(loader.getResource("simplelogger.properties")).isNotNull();
      assertThat(loader.getResource("software/amazon/awssdk/http/nio/netty/NettyNioAsyncHttpClient.class")).isNull();
    }
  }
}
