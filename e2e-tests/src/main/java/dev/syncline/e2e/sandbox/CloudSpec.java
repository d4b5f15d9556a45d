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
 */
public record CloudSpec(String name, String replicaId, Map<String, String> env, java.util.List<String> jvmOptions, Layout layout) {

  /** This cloud's log file for one process, such as {@code logs/aws-intent.log}. */
  public Path log(String process) {
    return layout.logs().resolve(name + "-" + process + ".log");
  }
}
