/**
 * The sandbox's AWS cloud: the {@code functions-aws} Lambda functions hosted as Lambda hosts them.
 *
 * <p>{@link dev.syncline.e2e.aws.AwsCloud#start} unpacks the shaded jar into a task root (as
 * Lambda unpacks a deployment package into {@code /var/task}) and starts, per function, JVMs that
 * run Lambda's own Runtime Interface Client ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}
 * with the handler string): each such execution environment loads the handler from the task root
 * with the client's own class loader and polls its endpoint of a local Lambda Runtime API
 * ({@code LambdaRuntimeApi}), which holds the function's invocation queue. Around the functions sit
 * the platform's triggers: an EventBridge rule target that wraps intents in the EventBridge
 * envelope ({@code EventBridgeTarget}), a Function URL front that maps HTTP to payload format 2.0
 * and back ({@code FunctionUrlFront}), and the drain schedule ({@code AwsCloud.drain()}).
 *
 * <p>{@code LambdaFunction} runs the execution environments: it replaces one whose runtime exits
 * or whose invocation times out, and scales a function out while invocations wait and the machine
 * has CPU to spare. {@code AwsCloudLoadProbe} (test sources) measures start-up and latency.
 */
package dev.syncline.e2e.aws;
