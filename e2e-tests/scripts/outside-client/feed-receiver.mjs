// A change-feed subscriber as an application would write one, with none of Syncline's code: it
// answers the CloudEvents webhook handshake, verifies every delivery with the Standard Webhooks SDK,
// reads it with the CloudEvents SDK, and keeps decimals exact with lossless-json.
//
//   FEED_SECRET=whsec_... node feed-receiver.mjs
//
// It listens on 127.0.0.1 on a free port (plain HTTP: the sandbox puts its TLS fault proxy in
// front, as it does for the functions) and prints one JSON line per thing that happens:
//   {"listening":<port>}
//   {"handshake":"<WebHook-Request-Origin>"}
//   {"received":{"id","type","source","subject","webhookId"},"data":<the event's data, exact>}
//   {"rejected":"<why>","webhookId":"..."}            (answered 401 or 400)
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { HTTP } from 'cloudevents';
import { parse, stringify } from 'lossless-json';

const secret = process.env.FEED_SECRET;
if (!secret) {
  console.error('FEED_SECRET is required');
  process.exit(2);
}
const webhook = new Webhook(secret);

function print(line) {
  process.stdout.write(stringify(line) + '\n');
}

function problem(res, status, title, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    if (req.method === 'OPTIONS') {
      // the CloudEvents webhook handshake: allow the sender that names itself
      const origin = req.headers['webhook-request-origin'];
      print({ handshake: origin ?? null });
      res.writeHead(200, { 'WebHook-Allowed-Origin': origin ?? '*', Allow: 'POST' });
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      problem(res, 405, 'Method Not Allowed', 'this receiver takes OPTIONS and POST');
      return;
    }
    const webhookId = req.headers['webhook-id'] ?? null;
    try {
      webhook.verify(raw, req.headers); // the bytes as they came, not a re-encoded string
    } catch (e) {
      print({ rejected: `signature: ${e.message}`, webhookId });
      problem(res, 401, 'Unauthorized', 'the Standard Webhooks signature does not verify');
      return;
    }
    let event;
    let exact;
    try {
      event = HTTP.toEvent({ headers: req.headers, body });
      exact = parse(body);
    } catch (e) {
      print({ rejected: `cloudevent: ${e.message}`, webhookId });
      problem(res, 400, 'Bad Request', `not a CloudEvent: ${e.message}`);
      return;
    }
    print({
      received: { id: event.id, type: event.type, source: event.source, subject: event.subject ?? null, webhookId },
      data: exact.data ?? null,
    });
    res.writeHead(204);
    res.end();
  });
});

server.listen(0, '127.0.0.1', () => print({ listening: server.address().port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
