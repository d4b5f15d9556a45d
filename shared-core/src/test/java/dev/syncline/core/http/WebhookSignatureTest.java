package dev.syncline.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncline.core.http.WebhookVerifier.Check;
import dev.syncline.core.http.WebhookVerifier.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  // The published Standard Webhooks test vector (also in the reference libraries' test suites).
  static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long VECTOR_TIMESTAMP = 1614265330L;
  static final byte[] VECTOR_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  static final String OTHER_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

  final AtomicLong now = new AtomicLong(VECTOR_TIMESTAMP * 1000);

  WebhookVerifier verifier(String... secrets) {
    return new WebhookVerifier(List.of(secrets), now::get);
  }

  static Map<String, String> headers(String id, String timestamp, String signature) {
    return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature);
  }

  @Test
  void sign_reproducesTheStandardWebhooksTestVector() {
    // GIVEN the published secret, id, timestamp and body
    // WHEN signing
    String signature = WebhookSignature.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY);
    // THEN it is the published signature
    assertThat(signature).isEqualTo(VECTOR_SIGNATURE);
  }

  @Test
  void verify_acceptsTheTestVector_amongOtherVersionsAndSignatures() {
    // GIVEN a header with an unknown version, a wrong v1 signature and the right one
    String header = "v2,abc v1,bm9wZQ== " + VECTOR_SIGNATURE;
    // WHEN verifying at the vector's own time, header names in any case
    Verification result =
        verifier(VECTOR_SECRET)
            .verify(
                Map.of("Webhook-Id", VECTOR_ID, "WEBHOOK-TIMESTAMP", "1614265330", "webhook-signature", header),
                VECTOR_BODY);
    // THEN it passes
    assertThat(result).isEqualTo(new Verification.Verified(VECTOR_ID, VECTOR_TIMESTAMP));
  }

  @Test
  void verify_acceptsAnyConfiguredSecret_forRotation() {
    // GIVEN a verifier holding a new secret first and the old one second
    WebhookVerifier rotating = verifier(OTHER_SECRET, VECTOR_SECRET);
    // WHEN a request signed with the old secret arrives
    Verification result =
        rotating.verify(headers(VECTOR_ID, "1614265330", VECTOR_SIGNATURE), VECTOR_BODY);
    // THEN it passes
    assertThat(result).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void verify_fails_whenAHeaderIsMissing() {
    Verification result =
        verifier(VECTOR_SECRET)
            .verify(Map.of("webhook-id", VECTOR_ID, "webhook-signature", VECTOR_SIGNATURE), VECTOR_BODY);
    assertThat(result).isEqualTo(new Verification.Failed(Check.HEADERS));
  }

  @Test
  void verify_fails_whenTheTimestampIsNotUnixSeconds() {
    for (String bad : List.of("", "-1614265330", "1614265330.0", "+1614265330", " 1614265330", "1e9")) {
      Verification result = verifier(VECTOR_SECRET).verify(headers(VECTOR_ID, bad, VECTOR_SIGNATURE), VECTOR_BODY);
      assertThat(result).as(bad).isEqualTo(new Verification.Failed(Check.TIMESTAMP_FORMAT));
    }
  }

  @Test
  void verify_fails_whenTheTimestampIsOutsideTheWindow_eitherWay() {
    // GIVEN a correctly signed request, and a clock 5 minutes and 1 second away from it
    Map<String, String> signed = headers(VECTOR_ID, "1614265330", VECTOR_SIGNATURE);
    WebhookVerifier verifier = verifier(VECTOR_SECRET);
    // WHEN it is exactly 5 minutes old THEN it still passes
    now.set((VECTOR_TIMESTAMP + 300) * 1000);
    assertThat(verifier.verify(signed, VECTOR_BODY)).isInstanceOf(Verification.Verified.class);
    // WHEN it is replayed a second later THEN it fails
    now.set((VECTOR_TIMESTAMP + 301) * 1000);
    assertThat(verifier.verify(signed, VECTOR_BODY)).isEqualTo(new Verification.Failed(Check.TIMESTAMP_WINDOW));
    // WHEN it claims to come from further in the future THEN it fails
    now.set((VECTOR_TIMESTAMP - 301) * 1000);
    assertThat(verifier.verify(signed, VECTOR_BODY)).isEqualTo(new Verification.Failed(Check.TIMESTAMP_WINDOW));
  }

  @Test
  void verify_honoursAConfiguredTolerance() {
    WebhookVerifier strict = new WebhookVerifier(List.of(VECTOR_SECRET), now::get, Duration.ofSeconds(10));
    now.set((VECTOR_TIMESTAMP + 11) * 1000);
    assertThat(strict.verify(headers(VECTOR_ID, "1614265330", VECTOR_SIGNATURE), VECTOR_BODY))
        .isEqualTo(new Verification.Failed(Check.TIMESTAMP_WINDOW));
  }

  @Test
  void verify_fails_whenNoSignatureMatches() {
    WebhookVerifier verifier = verifier(VECTOR_SECRET);
    // a different secret
    assertThat(verifier(OTHER_SECRET).verify(headers(VECTOR_ID, "1614265330", VECTOR_SIGNATURE), VECTOR_BODY))
        .isEqualTo(new Verification.Failed(Check.SIGNATURE));
    // a tampered body
    assertThat(verifier.verify(headers(VECTOR_ID, "1614265330", VECTOR_SIGNATURE), "{\"test\": 1}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Verification.Failed(Check.SIGNATURE));
    // another id
    assertThat(verifier.verify(headers("msg_other", "1614265330", VECTOR_SIGNATURE), VECTOR_BODY))
        .isEqualTo(new Verification.Failed(Check.SIGNATURE));
    // the right signature under another version tag, and garbage
    assertThat(verifier.verify(headers(VECTOR_ID, "1614265330", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,%%% v1"), VECTOR_BODY))
        .isEqualTo(new Verification.Failed(Check.SIGNATURE));
  }

  @Test
  void key_rejectsMalformedSecrets_withoutQuotingThem() {
    for (String bad : List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not*base64!", "whsec_", "whsec_c2hvcnQ=")) {
      assertThatThrownBy(() -> WebhookSignature.key(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasNoCause()
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad.length() > 6 ? bad.substring(6) : bad));
    }
    assertThatThrownBy(() -> new WebhookVerifier(List.of(), now::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
