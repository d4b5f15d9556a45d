package dev.syncline.e2e.net;

import java.net.http.HttpClient;
import java.nio.file.Path;

/**
 * One sandbox CA for the whole test run, in {@code target/test-tls}: made by the first run after a
 * clean, reused by later ones (as the sandbox reuses its own). {@link SandboxCaTest} makes a fresh
 * one as well.
 */
final class TestTls {

  private static SandboxCa ca;

  private TestTls() {}

  static synchronized SandboxCa ca() {
    if (ca == null) {
      ca = SandboxCa.create(Path.of("target", "test-tls"));
    }
    return ca;
  }

  /** An HTTP/1.1 client that trusts only the sandbox CA. */
  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ca().clientContext()).build();
  }
}
