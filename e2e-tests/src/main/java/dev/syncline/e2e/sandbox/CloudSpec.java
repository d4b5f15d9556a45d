package dev.syncline.e2e.sandbox;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

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
 * @param extension a Syncline extension deployed beside the stock functions, in the cloud's shape
 *     ({@link Extension}), if any
 */
public record CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout,
    int deployment, Optional<Extension> extension) {

  public CloudSpec {
    if (deployment < 1) {
      throw new IllegalArgumentException("deployments count from 1, got " + deployment);
    }
  }

  /** A deployment of the stock functions alone. */
  public CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout,
      int deployment) {
    this(name, replicaId, env, jvmOptions, layout, deployment, Optional.empty());
  }

  /** The cloud's first deployment, of the stock functions alone. */
  public CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout) {
    this(name, replicaId, env, jvmOptions, layout, 1);
  }

  /**
   * A folder of this cloud's own for one deployment, such as {@code <work>/gcp/deploy} and
   * {@code <work>/gcp/deploy.d2}.
   */
  public Path staging(String what) {
    return layout.work().resolve(name).resolve(what + (deployment == 1 ? "" : ".d" + deployment));
  }

  /**
   * This cloud's log file for one process, such as {@code logs/aws-intent.log}, and
   * {@code logs/aws-intent.d2.log} in its second deployment.
   */
  public Path log(String process) {
    return layout.logs().resolve(name + "-" + process + (deployment == 1 ? "" : ".d" + deployment) + ".log");
  }
}
