package dev.syncline.e2e.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxCaTest {

  private final SandboxCa ca = TestTls.ca();

  @Test
  void create_writesTheCaPemAndAPkcs12TrustStoreHoldingOnlyTheCa() throws Exception {
    Path pem = ca.caCertificate();

    assertThat(pem).isAbsolute().hasFileName("ca.pem").isRegularFile();
    assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");
    X509Certificate caCert;
    try (var in = Files.newInputStream(pem)) {
      caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(caCert.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(ca.trustStore())) {
      trust.load(in, ca.trustStorePassword().toCharArray());
    }
    assertThat(Collections.list(trust.aliases())).hasSize(1);
    assertThat(trust.getCertificate(trust.aliases().nextElement())).isEqualTo(caCert);
    assertThat(ca.jvmTrustOptions()).containsExactly(
        "-Djavax.net.ssl.trustStore=" + ca.trustStore(),
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=syncline-sandbox");
  }

  @Test
  void serverCertificate_isForLoopback_signedByTheCa() throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(ca.serverKeyStore())) {
      server.load(in, SandboxCa.PASSWORD.toCharArray());
    }
    X509Certificate leaf = (X509Certificate) server.getCertificateChain("server")[0];
    X509Certificate issuer = (X509Certificate) server.getCertificateChain("server")[1];

    leaf.verify(issuer.getPublicKey());
    assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList()).containsExactlyInAnyOrder((Object) "127.0.0.1", "localhost");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
  }

  @Test
  void clientContext_talksToAProxy_andAClientWithoutTheCaIsRefused() throws Exception {
    try (RecordingTarget target = new RecordingTarget();
        FaultProxy front = FaultProxy.start("aws", ca.serverContext(), 1, ProxyListener.NONE)) {
      front.target(target.url());
      HttpRequest get = HttpRequest.newBuilder(URI.create(front.url() + "/records/user/1")).build();

      HttpResponse<String> trusted = TestTls.client().send(get, HttpResponse.BodyHandlers.ofString());

      assertThat(trusted.statusCode()).isEqualTo(201);
      assertThat(trusted.uri().getScheme()).isEqualTo("https");
      HttpClient defaults = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThatThrownBy(() -> defaults.send(get, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(target.seen()).hasSize(1);
    }
  }

  @Test
  void create_reusesMaterialThatIsComplete() throws Exception {
    Path dir = ca.caCertificate().getParent();
    byte[] pem = Files.readAllBytes(ca.caCertificate());
    byte[] serverStore = Files.readAllBytes(ca.serverKeyStore());
    FileTime written = Files.getLastModifiedTime(ca.trustStore());

    SandboxCa again = SandboxCa.create(dir);

    assertThat(again.caCertificate()).isEqualTo(ca.caCertificate());
    assertThat(Files.readAllBytes(again.caCertificate())).isEqualTo(pem);
    assertThat(Files.readAllBytes(again.serverKeyStore())).isEqualTo(serverStore);
    assertThat(Files.getLastModifiedTime(again.trustStore())).isEqualTo(written);
  }

  @Test
  void create_makesEverythingAfresh_whenMaterialIsIncomplete(@TempDir Path dir) throws Exception {
    Path existing = ca.caCertificate().getParent();
    Files.copy(existing.resolve("ca.p12"), dir.resolve("ca.p12"));
    Files.copy(existing.resolve("ca.pem"), dir.resolve("ca.pem"));

    SandboxCa made = SandboxCa.create(dir);

    assertThat(dir.resolve("server.p12")).isRegularFile();
    assertThat(made.trustStore()).isRegularFile();
    assertThat(made.caCertificate()).isEqualTo(dir.toAbsolutePath().resolve("ca.pem"));
    assertThat(Files.readAllBytes(made.caCertificate())).as("a new CA").isNotEqualTo(Files.readAllBytes(ca.caCertificate()));
    try (RecordingTarget target = new RecordingTarget();
        FaultProxy front = FaultProxy.start("gcp", made.serverContext(), 1, ProxyListener.NONE)) {
      front.target(target.url());
      HttpClient trusting = HttpClient.newBuilder().sslContext(made.clientContext()).build();
      HttpRequest get = HttpRequest.newBuilder(front.url().resolve("/")).build();
      assertThat(trusting.send(get, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(201);
      assertThatThrownBy(() -> TestTls.client().send(get, HttpResponse.BodyHandlers.discarding()))
          .as("the old CA does not vouch for the new server certificate")
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void keytool_failure_saysWhichStepFailed_withKeytoolsOutput(@TempDir Path dir) {
    assertThatThrownBy(() -> SandboxCa.keytool(dir, "-exportcert", "-alias", "ca", "-keystore", "missing.p12", "-storepass", "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keytool -exportcert failed with exit code 1")
        .hasMessageContaining("missing.p12");
  }
}
