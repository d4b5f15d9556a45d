package dev.syncline.e2e.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The sandbox's own certificate authority and the one server certificate that every sandbox TLS
 * endpoint presents (SAN {@code IP:127.0.0.1} and {@code DNS:localhost}, EKU serverAuth, signed by
 * the CA). The keys and certificates are made by the JDK's {@code keytool}, run as a child
 * process, and the stores assembled with {@link KeyStore}, so the sandbox needs no crypto library.
 *
 * <p>Files in the folder given to {@link #create(Path)}:
 *
 * <ul>
 *   <li>{@code ca.p12}: the CA's key pair (PKCS12, alias {@code ca});
 *   <li>{@code ca.pem}: the CA certificate, PEM, for non-Java clients ({@code curl --cacert});
 *   <li>{@code server.p12}: the server key with its chain (alias {@code server}) and the CA;
 *   <li>{@code server.pem}: the server certificate, PEM;
 *   <li>{@code truststore.p12}: a PKCS12 trust store holding only the CA certificate.
 * </ul>
 *
 * <p>All three stores use the fixed password {@value #PASSWORD}. These are throwaway keys for
 * loopback endpoints: the CA is trusted only by the sandbox's own processes (through
 * {@link #jvmTrustOptions()} or {@link #clientContext()}), never installed in a system trust store.
 */
public final class SandboxCa {

  /** The password of every store this class writes. Public by design: see the class comment. */
  public static final String PASSWORD = "syncline-sandbox";

  /** Validity of both certificates, in days: the CA/Browser Forum's old maximum. */
  public static final int VALIDITY_DAYS = 825;

  /** Material that expires sooner than this is made again rather than reused. */
  private static final Duration MIN_REMAINING = Duration.ofDays(1);

  private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
  private static final String CA_ALIAS = "ca";
  private static final String SERVER_ALIAS = "server";
  private static final List<String> FILES = List.of("ca.p12", "ca.pem", "server.p12", "server.pem", "truststore.p12");

  private final Path dir;
  private final SSLContext server;
  private final SSLContext client;

  private SandboxCa(Path dir, KeyStore serverStore, KeyStore trustStore) throws GeneralSecurityException {
    this.dir = dir;
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(serverStore, PASSWORD.toCharArray());
    this.server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore);
    this.client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
  }

  /**
   * Opens the CA and server certificate in {@code dir}, making them first unless all the files are
   * present, consistent (the server certificate is signed by the CA, the PEM and the trust store
   * hold that CA) and valid for at least another day. Anything less is deleted and made again.
   * Safe to call from several threads or processes at once: they serialize on a lock file.
   *
   * @param dir a folder, made if missing, such as {@code e2e-tests/target/sandbox/tls}
   * @throws IllegalStateException if keytool fails (the message has its output)
   * @throws UncheckedIOException if the folder cannot be written
   */
  public static SandboxCa create(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    synchronized (SandboxCa.class) {
      try {
        Files.createDirectories(abs);
        try (FileChannel channel = FileChannel.open(abs.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          try {
            return open(abs);
          } catch (Unusable stale) {
            generate(abs);
          }
          try {
            return open(abs);
          } catch (Unusable e) {
            throw new IllegalStateException("keytool ran but the material in " + abs + " does not check out: " + e.getMessage(), e);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the sandbox CA in " + abs, e);
      }
    }
  }

  /** The CA certificate as PEM ({@code ca.pem}), an absolute path: what {@code endpoints.json} publishes. */
  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  /** A PKCS12 trust store holding only the CA certificate; its password is {@link #trustStorePassword()}. */
  public Path trustStore() {
    return dir.resolve("truststore.p12");
  }

  public String trustStorePassword() {
    return PASSWORD;
  }

  /** The PKCS12 key store with the server key (alias {@code server}) and its chain, for a child that serves TLS itself. */
  public Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  /**
   * The options that make a child JVM trust the CA (and nothing else) by default:
   * {@code -Djavax.net.ssl.trustStore=...}, {@code -Djavax.net.ssl.trustStoreType=PKCS12} and
   * {@code -Djavax.net.ssl.trustStorePassword=...}, in that order.
   */
  public List<String> jvmTrustOptions() {
    return List.of(
        "-Djavax.net.ssl.trustStore=" + trustStore(),
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
  }

  /** A TLS context that presents the server certificate and its chain; one shared instance. */
  public SSLContext serverContext() {
    return server;
  }

  /** A TLS context that trusts only the CA; one shared instance. */
  public SSLContext clientContext() {
    return client;
  }

  @Override
  public String toString() {
    return "SandboxCa[" + dir + "]";
  }

  /** Why material on disk cannot be used as it is. */
  private static final class Unusable extends Exception {
    Unusable(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  /** The material in {@code dir}, if it is all there, consistent and valid for another day. */
  private static SandboxCa open(Path dir) throws Unusable {
    for (String f : FILES) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new Unusable(f + " is missing", null);
      }
    }
    try {
      X509Certificate ca = (X509Certificate) load(dir.resolve("ca.p12")).getCertificate(CA_ALIAS);
      KeyStore trust = load(dir.resolve("truststore.p12"));
      KeyStore serverStore = load(dir.resolve("server.p12"));
      Certificate[] chain = serverStore.getCertificateChain(SERVER_ALIAS);
      if (ca == null || ca.getBasicConstraints() < 0) {
        throw new Unusable("ca.p12 holds no CA certificate", null);
      }
      if (!ca.equals(readPem(dir.resolve("ca.pem")))) {
        throw new Unusable("ca.pem is not the CA in ca.p12", null);
      }
      if (trust.size() != 1 || !ca.equals(trust.getCertificate(trust.aliases().nextElement()))) {
        throw new Unusable("truststore.p12 does not hold just the CA", null);
      }
      if (chain == null || chain.length != 2 || !ca.equals(chain[1])) {
        throw new Unusable("server.p12 holds no server key with the chain [server, CA]", null);
      }
      X509Certificate leaf = (X509Certificate) chain[0];
      leaf.verify(ca.getPublicKey());
      Date horizon = Date.from(Instant.now().plus(MIN_REMAINING));
      for (X509Certificate c : List.of(ca, leaf)) {
        c.checkValidity();
        c.checkValidity(horizon);
      }
      if (leaf.getSubjectAlternativeNames() == null
          || leaf.getSubjectAlternativeNames().stream().noneMatch(san -> "127.0.0.1".equals(san.get(1)))) {
        throw new Unusable("the server certificate is not for 127.0.0.1", null);
      }
      return new SandboxCa(dir, serverStore, trust);
    } catch (GeneralSecurityException | IOException | ClassCastException e) {
      throw new Unusable(e.toString(), e);
    }
  }

  /**
   * Makes everything afresh. keytool does what only it can do with the JDK alone: the CA's
   * self-signed certificate ({@code -genkeypair -ext bc:c}), the server key and its request
   * ({@code -genkeypair}, {@code -certreq}) and the signature ({@code -gencert}). The CA's half and
   * the server's half run side by side. Exporting the PEM and assembling the stores is plain
   * {@link KeyStore} work, done here rather than in three more keytool JVMs.
   */
  private static void generate(Path dir) throws IOException {
    for (String f : List.of("ca.p12", "ca.pem", "server.p12", "server.pem", "server.csr", "truststore.p12")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    String validity = String.valueOf(VALIDITY_DAYS);
    CompletableFuture<Void> caHalf = CompletableFuture.runAsync(() -> keytool(dir, "-genkeypair", "-alias", CA_ALIAS,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Syncline Sandbox CA,O=Syncline sandbox (throwaway)",
        "-validity", validity, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
        "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD));
    keytool(dir, "-genkeypair", "-alias", SERVER_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost,O=Syncline sandbox (throwaway)", "-validity", validity,
        "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool(dir, "-certreq", "-alias", SERVER_ALIAS, "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "server.csr");
    try {
      caHalf.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    keytool(dir, "-gencert", "-alias", CA_ALIAS, "-keystore", "ca.p12", "-storepass", PASSWORD,
        "-infile", "server.csr", "-outfile", "server.pem", "-rfc", "-validity", validity,
        "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth", "-ext", "ku:c=digitalSignature");
    Files.delete(dir.resolve("server.csr"));
    try {
      X509Certificate ca = (X509Certificate) load(dir.resolve("ca.p12")).getCertificate(CA_ALIAS);
      // What keytool -exportcert -rfc writes.
      Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ca.getEncoded())
          + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
      // What keytool -importcert of the CA, then of the signed reply, makes of server.p12.
      KeyStore server = load(dir.resolve("server.p12"));
      Key key = server.getKey(SERVER_ALIAS, PASSWORD.toCharArray());
      server.setCertificateEntry(CA_ALIAS, ca);
      server.setKeyEntry(SERVER_ALIAS, key, PASSWORD.toCharArray(), new Certificate[] {readPem(dir.resolve("server.pem")), ca});
      store(server, dir.resolve("server.p12"));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(CA_ALIAS, ca);
      store(trust, dir.resolve("truststore.p12"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not assemble the sandbox's key stores in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void store(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ks.store(out, PASSWORD.toCharArray());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs {@code $java.home/bin/keytool} in {@code dir}; fails with its output unless it exits 0. */
  static void keytool(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A keytool run is a short-lived JVM: a quick start matters more than peak speed.
    cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
    cmd.addAll(List.of(args));
    String step = "keytool " + args[0];
    Path output = null;
    try {
      output = Files.createTempFile(dir, "keytool-", ".log");
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      p.getOutputStream().close(); // keytool must never wait for an answer at a prompt
      if (!p.waitFor(KEYTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(step + " did not finish within " + KEYTOOL_TIMEOUT + "; its output:\n" + read(output));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(step + " failed with exit code " + p.exitValue() + " in " + dir + "; its output:\n" + read(output));
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + step, e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a stray log in the sandbox's own folder is harmless
        }
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  private static X509Certificate readPem(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
