/**
 * The Google Cloud replica of the sandbox, hosted as Cloud Functions (2nd gen) hosts
 * {@code functions-gcp}: {@link dev.syncline.e2e.gcp.GcpCloud} runs the intent, ingress and drain
 * functions each in its own java-function-invoker 1.4.1 process, pushes intents to the intent
 * function as a Pub/Sub push subscription delivers messages, and calls the drain as Cloud
 * Scheduler does.
 * Function logs go to {@code e2e-tests/target/sandbox/logs/gcp-{intent,ingress,drain}.log}; with
 * {@code K_SERVICE} set, the invoker writes its own log lines as Cloud Logging JSON, as on Cloud Run.
 */
package dev.syncline.e2e.gcp;
