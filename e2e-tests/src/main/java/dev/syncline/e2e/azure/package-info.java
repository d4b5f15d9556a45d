/**
 * The sandbox's Azure cloud: the function app that azure-functions-maven-plugin packages, hosted
 * as a Function App hosts it.
 *
 * <p>{@link dev.syncline.e2e.azure.AzureCloud} starts one {@link dev.syncline.e2e.azure.AzureFunctionsHost}
 * JVM per function app (the Functions host and its Java worker in one process). The host dispatches
 * from each generated {@code function.json}: it loads the app jar and {@code lib/} in a class
 * loader of their own, binds each entry point's trigger parameter by its binding name, and serves
 * the HTTP trigger at its route, the Event Grid extension's webhook
 * ({@code /runtime/webhooks/eventgrid?functionName=...}) and the admin API
 * ({@code /admin/functions/{name}}) on one loopback port. The host's own class path is e2e-tests'
 * classes and azure-functions-java-core-library (which the worker, not the app, supplies); it reads
 * JSON with a small reader of its own rather than lend the app a JSON library.
 */
package dev.syncline.e2e.azure;
