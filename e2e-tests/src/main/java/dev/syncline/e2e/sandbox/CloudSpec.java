package dev.syncline.e2e.sandbox;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the sandbox tells a cloud when it starts it.
 *
 * @param name {@code aws}, {@code azure} or {@code gcp}
 * @param replicaId the replica id the functions run as
 * @param env the {@code SYNCLINE_*} (and platform) environment variables every function of this
 *     cloud gets, exactly as Terraform would set them, plus emulator endpoints
 * @param jvmOptions options for every function JVM: {@code -Xmx256m} and the sandbox CA's trust
 *     store, so that peers' HTTPS proxies are trusted
 * @param layout where the built artifacts and runtimes are, and where logs go
 * @param deployment 1 for the cloud's first deployment, then 2, 3, ... each time the sandbox
 *     redeploys it with new settings (a cloud joining, see {@code Sandbox#join}); it keeps the logs
 *     of each deployment apart
 */
public record CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout,
    int deployment) {

  public CloudSpec {
    if (deployment < 1) {
      throw new IllegalArgumentException("deployments count from 1, got " + deployment);
    }
  }

  /** The cloud's first deployment. */
  public CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout) {
    this(name, replicaId, env, jvmOptions, layout, 1);
  }

  /**
   * This cloud's log file for one process, such as {@code logs/aws-intent.log}, and
   * {@code logs/aws-intent.d2.log} in its second deployment.
   */
  public Path log(String process) {
    return layout.logs().resolve(name + "-" + process + (deployment == 1 ? "" : ".d" + deployment) + ".log");
  }
}
