package dev.syncline.e2e.azure;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.logging.Logger;

/**
 * The {@link ExecutionContext} of one invocation: a fresh invocation id, the function's name, and
 * the function's {@code java.util.logging} logger, which writes to the host's log. Trace and retry
 * contexts are not provided (the interface's defaults return {@code null}).
 */
record InvocationContext(String invocationId, String functionName, Logger logger) implements ExecutionContext {

  @Override
  public Logger getLogger() {
    return logger;
  }

  @Override
  public String getInvocationId() {
    return invocationId;
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }
}
