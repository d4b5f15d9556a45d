/**
 * The HTTPS contract between replicas (DESIGN section 6), provider-neutral: each cloud's HTTP
 * trigger only maps its native request to {@link dev.syncline.core.http.HttpRequest} and back.
 *
 * <ul>
 *   <li>{@link dev.syncline.core.http.WebhookSignature} and {@link
 *       dev.syncline.core.http.WebhookVerifier}: Standard Webhooks signing (HMAC-SHA256 over
 *       {@code id.timestamp.body}, {@code whsec_} secrets, several accepted for rotation).
 *   <li>{@link dev.syncline.core.http.IngressHandler}: {@code POST /events}, {@code GET
 *       /records/{entity}/{id}} and the {@code OPTIONS /events} webhook handshake, answering
 *       errors as RFC 9457 {@link dev.syncline.core.http.Problem}s.
 *   <li>{@link dev.syncline.core.http.HttpPeerClient}: the sending side, a {@link
 *       dev.syncline.core.port.PeerClient} on the JDK's HTTP client.
 * </ul>
 *
 * <p>Choices where DESIGN is silent: a {@code webhook-id} that differs from the CloudEvent id is
 * answered 401 (the signature does not vouch for that event); {@code application/json} without
 * {@code ce-specversion} is read as a structured-mode event; batch mode is 415; the handshake is
 * not signed. In binary mode the signature covers the body and, through {@code webhook-id}, the
 * event id, but not the other {@code ce-} headers, which TLS alone protects in transit;
 * structured mode signs every attribute.
 */
package dev.syncline.core.http;
