package dev.syncline.e2e.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One function of a function app, as its generated {@code function.json} declares it: the folder
 * name is the function's name, {@code scriptFile} the jar (relative to the folder),
 * {@code entryPoint} {@code class.method}, and {@code bindings} the trigger plus, for an HTTP
 * trigger, the {@code http} output bound to the return value.
 *
 * @param name the function's name (its folder's name), as the admin API and the Event Grid
 *     webhook address it
 * @param scriptFile the jar that holds the entry point
 * @param className the entry point's class
 * @param methodName the entry point's method
 * @param trigger the trigger binding's properties ({@code type}, {@code name}, {@code route}, ...)
 */
record FunctionDefinition(String name, Path scriptFile, String className, String methodName, Map<String, Object> trigger) {

  static final String HTTP_TRIGGER = "httpTrigger";
  static final String EVENT_GRID_TRIGGER = "eventGridTrigger";
  static final String TIMER_TRIGGER = "timerTrigger";

  /**
   * Reads {@code folder/function.json}.
   *
   * @throws IllegalStateException if it is unreadable, malformed, or declares bindings this host
   *     cannot serve (anything but one trigger of the three types Syncline uses, and the HTTP
   *     trigger's {@code $return} output)
   */
  static FunctionDefinition read(Path folder) {
    String name = folder.getFileName().toString();
    Path file = folder.resolve("function.json");
    Object json;
    try {
      json = MiniJson.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + ": " + e.getMessage(), e);
    }
    String script = text(json, "scriptFile", file);
    String entryPoint = text(json, "entryPoint", file);
    int dot = entryPoint.lastIndexOf('.');
    if (dot <= 0 || dot == entryPoint.length() - 1) {
      throw new IllegalStateException(file + ": entryPoint must be class.method, not \"" + entryPoint + "\"");
    }
    Path jar = folder.resolve(script).normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(file + ": scriptFile " + jar + " does not exist");
    }
    if (!(MiniJson.member(json, "bindings") instanceof List<?> bindings)) {
      throw new IllegalStateException(file + ": no bindings");
    }
    Map<String, Object> trigger = null;
    List<Map<String, Object>> outputs = new ArrayList<>();
    for (Object b : bindings) {
      if (!(b instanceof Map<?, ?>)) {
        throw new IllegalStateException(file + ": a binding is not a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> binding = (Map<String, Object>) b;
      String type = String.valueOf(binding.get("type"));
      if (type.toLowerCase(Locale.ROOT).endsWith("trigger")) {
        if (trigger != null) {
          throw new IllegalStateException(file + ": more than one trigger");
        }
        trigger = binding;
      } else {
        outputs.add(binding);
      }
    }
    if (trigger == null) {
      throw new IllegalStateException(file + ": no trigger binding");
    }
    String type = String.valueOf(trigger.get("type"));
    if (!List.of(HTTP_TRIGGER, EVENT_GRID_TRIGGER, TIMER_TRIGGER).contains(type)) {
      throw new IllegalStateException(name + ": trigger type " + type + " is not supported by the sandbox host"
          + " (it serves httpTrigger, eventGridTrigger and timerTrigger)");
    }
    if (!(trigger.get("name") instanceof String)) {
      throw new IllegalStateException(file + ": the trigger has no name");
    }
    for (Map<String, Object> out : outputs) {
      boolean httpReturn = type.equals(HTTP_TRIGGER) && "http".equals(out.get("type")) && "out".equals(out.get("direction"))
          && "$return".equals(out.get("name"));
      if (!httpReturn) {
        throw new IllegalStateException(name + ": binding " + out.get("name") + " (" + out.get("type")
            + ") is not supported by the sandbox host (only the trigger and an HTTP $return output are)");
      }
    }
    return new FunctionDefinition(name, jar, entryPoint.substring(0, dot), entryPoint.substring(dot + 1), trigger);
  }

  String triggerType() {
    return (String) trigger.get("type");
  }

  /** The trigger parameter's binding name, such as {@code request} or {@code event}. */
  String bindingName() {
    return (String) trigger.get("name");
  }

  /** The trigger's {@code dataType} ({@code binary}, {@code string}), or {@code null}. */
  String dataType() {
    return trigger.get("dataType") instanceof String s ? s : null;
  }

  /** An HTTP trigger's route template; the function's name when {@code function.json} gives none. */
  String route() {
    return trigger.get("route") instanceof String s && !s.isBlank() ? s : name;
  }

  /** An HTTP trigger's methods in upper case; empty when it accepts every method. */
  List<String> methods() {
    List<String> methods = new ArrayList<>();
    if (trigger.get("methods") instanceof List<?> list) {
      for (Object m : list) {
        methods.add(String.valueOf(m).toUpperCase(Locale.ROOT));
      }
    }
    return methods;
  }

  private static String text(Object json, String key, Path file) {
    if (MiniJson.member(json, key) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new IllegalStateException(file + ": " + key + " is missing");
  }
}
