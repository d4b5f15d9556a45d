package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A function's entry point bound as the Java worker binds it: the one public method named by
 * {@code entryPoint} in the app's class loader, its trigger parameter found by the binding name
 * its annotation declares ({@code @HttpTrigger(name = "request")}, or {@code @BindingName}), and
 * an {@link ExecutionContext} parameter found by type. Like the worker, every invocation runs on a
 * new instance (no-argument constructor) with the app's class loader as the thread's context
 * class loader.
 */
final class FunctionInvoker {

  /** How a trigger's payload reaches the parameter: as text or bytes, possibly in an {@link Optional}. */
  enum Payload {
    STRING, BYTES, OPTIONAL_STRING, OPTIONAL_BYTES;

    /** The payload in this form; an empty body is {@code null} or {@link Optional#empty()}. */
    Object convert(byte[] bytes) {
      boolean empty = bytes == null || bytes.length == 0;
      return switch (this) {
        case STRING -> empty ? null : new String(bytes, StandardCharsets.UTF_8);
        case BYTES -> empty ? null : bytes;
        case OPTIONAL_STRING -> empty ? Optional.empty() : Optional.of(new String(bytes, StandardCharsets.UTF_8));
        case OPTIONAL_BYTES -> empty ? Optional.empty() : Optional.of(bytes);
      };
    }
  }

  private final FunctionDefinition definition;
  private final ClassLoader appLoader;
  private final Class<?> type;
  private final Method method;
  private final int triggerIndex;
  private final int contextIndex;
  private final Payload payload;

  private FunctionInvoker(FunctionDefinition definition, ClassLoader appLoader, Class<?> type, Method method,
      int triggerIndex, int contextIndex, Payload payload) {
    this.definition = definition;
    this.appLoader = appLoader;
    this.type = type;
    this.method = method;
    this.triggerIndex = triggerIndex;
    this.contextIndex = contextIndex;
    this.payload = payload;
  }

  /**
   * Finds and checks the entry point.
   *
   * @throws IllegalStateException with the function's name and what is wrong, if the class or
   *     method is missing, overloaded or not public, or a parameter cannot be bound
   */
  static FunctionInvoker bind(FunctionDefinition definition, ClassLoader appLoader) {
    String where = definition.name() + " (" + definition.className() + "." + definition.methodName() + ")";
    Class<?> type;
    try {
      type = Class.forName(definition.className(), false, appLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(where + ": class not found in " + definition.scriptFile(), e);
    }
    List<Method> candidates = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.getName().equals(definition.methodName())) {
        candidates.add(m);
      }
    }
    if (candidates.size() != 1) {
      throw new IllegalStateException(where + ": expected one public method, found " + candidates.size());
    }
    Method method = candidates.get(0);
    if (!Modifier.isStatic(method.getModifiers())) {
      try {
        type.getConstructor();
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(where + ": the class needs a public no-argument constructor", e);
      }
    }
    int triggerIndex = -1;
    int contextIndex = -1;
    Parameter[] params = method.getParameters();
    for (int i = 0; i < params.length; i++) {
      if (ExecutionContext.class.isAssignableFrom(params[i].getType())) {
        contextIndex = i;
        continue;
      }
      String bindingName = bindingName(params[i]);
      if (!definition.bindingName().equals(bindingName)) {
        throw new IllegalStateException(where + ": parameter " + i + " binds "
            + (bindingName == null ? "nothing" : "'" + bindingName + "'")
            + "; the sandbox host binds only the trigger '" + definition.bindingName() + "' and an ExecutionContext");
      }
      triggerIndex = i;
    }
    if (triggerIndex < 0) {
      throw new IllegalStateException(where + ": no parameter binds the trigger '" + definition.bindingName() + "'");
    }
    Payload payload = payload(definition, params[triggerIndex].getParameterizedType(), where);
    return new FunctionInvoker(definition, appLoader, type, method, triggerIndex, contextIndex, payload);
  }

  FunctionDefinition definition() {
    return definition;
  }

  /** How the trigger's payload (for HTTP, the request body) is handed to the function. */
  Payload payload() {
    return payload;
  }

  /**
   * Invokes the function once.
   *
   * @param trigger the trigger parameter's value, already in the form {@link #payload()} asks for
   *     (for HTTP, the request message)
   * @return what the method returned
   * @throws Exception what the function threw (unwrapped), or why it could not be invoked
   */
  Object invoke(Object trigger, ExecutionContext context) throws Exception {
    Object[] args = new Object[method.getParameterCount()];
    args[triggerIndex] = trigger;
    if (contextIndex >= 0) {
      args[contextIndex] = context;
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(appLoader);
    try {
      Object target = Modifier.isStatic(method.getModifiers()) ? null : type.getConstructor().newInstance();
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw new FunctionFailedException(err);
      }
      throw e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** An {@link Error} the function threw (such as its static initialiser failing), as the worker reports it. */
  static final class FunctionFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    FunctionFailedException(Error cause) {
      super(cause.toString(), cause);
    }
  }

  /** The binding name of a parameter: {@code @BindingName}'s value, or its binding annotation's {@code name}. */
  private static String bindingName(Parameter p) {
    for (Annotation a : p.getAnnotations()) {
      String attribute = a.annotationType().getSimpleName().equals("BindingName") ? "value" : "name";
      try {
        Method m = a.annotationType().getMethod(attribute);
        if (m.getReturnType() == String.class) {
          return (String) m.invoke(a);
        }
      } catch (NoSuchMethodException notABinding) {
        // another kind of annotation
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("could not read " + a, e);
      }
    }
    return null;
  }

  private static Payload payload(FunctionDefinition definition, Type parameter, String where) {
    Type carried = parameter;
    if (definition.triggerType().equals(FunctionDefinition.HTTP_TRIGGER)) {
      if (raw(parameter) != HttpRequestMessage.class) {
        throw new IllegalStateException(where + ": an HTTP trigger parameter must be an HttpRequestMessage");
      }
      carried = parameter instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
    boolean optional = raw(carried) == Optional.class;
    Type inner = optional && carried instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : carried;
    boolean binary = "binary".equalsIgnoreCase(definition.dataType());
    Class<?> innerType = raw(inner);
    boolean bytes;
    if (innerType == byte[].class) {
      bytes = true;
    } else if (innerType == String.class) {
      bytes = false;
    } else if (innerType == Object.class) {
      bytes = binary;
    } else {
      throw new IllegalStateException(where + ": the sandbox host hands the trigger over as String or byte[], not " + inner);
    }
    return optional ? (bytes ? Payload.OPTIONAL_BYTES : Payload.OPTIONAL_STRING) : (bytes ? Payload.BYTES : Payload.STRING);
  }

  private static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }
}
