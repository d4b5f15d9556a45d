// Drives the running sandbox as an outside client would: events built with the CloudEvents SDK
// for JavaScript, requests signed with the Standard Webhooks SDK, exact decimals written and read
// with lossless-json (a JavaScript number would round them). None of Syncline's code is used.
//
//   node client.mjs <path to endpoints.json>
//
// Prints one JSON line per check and a summary line; exits 1 if any check failed.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { LosslessNumber, parse, stringify } from 'lossless-json';

const endpoints = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ca = readFileSync(endpoints.caCertificate);
const clouds = endpoints.clouds;
const PRICE = '19.990000000000000000001';
const INTENT = 'dev.syncline.record.write.v1';
const CHANGE = 'dev.syncline.record.changed.v1';
const results = [];

function send(method, url, headers, body) {
  const target = new URL(url);
  const call = target.protocol === 'https:' ? request : plainRequest;
  return new Promise((resolve, reject) => {
    const req = call(target, { method, headers, ca, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Standard Webhooks headers for `payload`, signed with the receiving cloud's secret. */
function webhookHeaders(cloud, id, payload) {
  const now = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(clouds[cloud].secret).sign(id, now, payload),
  };
}

/** A structured-mode message built by the SDK; the body serialized without rounding any number. */
function structured(event) {
  const message = HTTP.structured(event);
  return { headers: message.headers, body: stringify(event.toJSON()) };
}

function intent(subject, ops) {
  return new CloudEvent({ type: INTENT, source: '/outside-client', id: randomUUID(), subject, datacontenttype: 'application/json', data: { ops } });
}

async function postSigned(cloud, event, mode = 'structured') {
  const message = mode === 'structured' ? structured(event) : HTTP.binary(event);
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  const headers = { ...message.headers, ...webhookHeaders(cloud, event.id, body) };
  return { request: { headers, body }, response: await send('POST', `${clouds[cloud].ingress}/events`, headers, body) };
}

async function getRecord(cloud, path) {
  const id = randomUUID();
  const headers = webhookHeaders(cloud, id, `GET ${path}`);
  return send('GET', `${clouds[cloud].ingress}${path}`, headers);
}

function check(name, ok, detail) {
  results.push({ check: name, ok: Boolean(ok), detail });
  console.log(JSON.stringify({ check: name, ok: Boolean(ok), detail }));
}

function problemType(response) {
  try {
    return JSON.parse(response.text).type;
  } catch {
    return undefined;
  }
}

async function until(deadlineMillis, probe) {
  const end = Date.now() + deadlineMillis;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last.done) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

// 1. An exact decimal published on AWS's bus reaches every cloud digit for digit.
const order = `order/${randomUUID()}`;
{
  const event = intent(order, [{ op: 'set', field: 'price', value: new LosslessNumber(PRICE) }]);
  const message = structured(event);
  const published = await send('POST', clouds.aws.bus, message.headers, message.body);
  check('bus accepts a structured event built by the SDK', published.status === 202, { status: published.status });
  const seen = await until(90_000, async () => {
    const prices = {};
    for (const cloud of Object.keys(clouds)) {
      const r = await getRecord(cloud, `/records/${order}`);
      prices[cloud] = r.status === 200 ? parse(r.text).fields.price?.toString() : `HTTP ${r.status}`;
    }
    return { done: Object.values(prices).every((p) => p === PRICE), prices };
  });
  check('an exact decimal arrives unrounded on every cloud', seen.done, seen.prices);
}

// 2. A request signed for AWS is applied there and refused by Azure (each replica verifies with its own secret).
{
  const event = intent(`user/${randomUUID()}`, [{ op: 'incr', field: 'balance', by: 100 }]);
  const sent = await postSigned('aws', event);
  check('a signed intent is applied at the replica it was signed for', sent.response.status === 200, { status: sent.response.status, body: sent.response.text });
  const replay = await send('POST', `${clouds.azure.ingress}/events`, sent.request.headers, sent.request.body);
  check('the same request replayed to another replica is refused', replay.status === 401, { status: replay.status, type: problemType(replay) });
  const again = await postSigned('aws', event);
  check('the same intent signed again is a duplicate', again.response.status === 200 && JSON.parse(again.response.text).outcome === 'duplicate',
    { status: again.response.status, body: again.response.text });
}

// 3. Binary mode carries its attributes in unsigned headers: refused with 415 and a problem saying so.
{
  const event = intent(`user/${randomUUID()}`, [{ op: 'set', field: 'email', value: 'a@b.example' }]);
  const sent = await postSigned('gcp', event, 'binary');
  check('binary mode is refused', sent.response.status === 415 && problemType(sent.response)?.endsWith('binary-mode-refused')
    && sent.response.headers['content-type']?.startsWith('application/problem+json'),
    { status: sent.response.status, type: problemType(sent.response) });
}

// 4. A GET signature covers its path: replayed against another record it is refused.
{
  const id = randomUUID();
  const headers = webhookHeaders('azure', id, `GET /records/${order}`);
  const own = await send('GET', `${clouds.azure.ingress}/records/${order}`, headers);
  const other = await send('GET', `${clouds.azure.ingress}/records/user/somebody-else`, headers);
  check('a GET signature reads only its own path', own.status === 200 && other.status === 401, { own: own.status, other: other.status });
}

// 5. A signed change stamped at the end of time is malformed, and the replica keeps taking writes.
{
  const target = 'azure';
  const origin = clouds.aws.replica;
  const subject = `user/${randomUUID()}`;
  const change = new CloudEvent({
    type: CHANGE, source: `/syncline/replicas/${origin}`, id: randomUUID(), subject, datacontenttype: 'application/json',
    data: {
      format: 'syncline-delta/2', context: { [origin]: [[1, 1]] },
      fields: [{ name: 'email', type: 'register', siblings: [{ dot: [origin, 1],
        hlc: [new LosslessNumber('9223372036854775807'), new LosslessNumber('2147483647')], value: 'x@y.example' }] }],
    },
  });
  const sent = await postSigned(target, change);
  check('a change stamped at the end of time is malformed', sent.response.status === 400, { status: sent.response.status, type: problemType(sent.response) });
  const after = await postSigned(target, intent(subject, [{ op: 'set', field: 'email', value: 'ok@example.com' }]));
  const read = await getRecord(target, `/records/${subject}`);
  check('the replica still applies writes after it', after.response.status === 200 && read.status === 200
    && parse(read.text).fields.email === 'ok@example.com', { write: after.response.status, read: read.status, body: read.text });
}

const failed = results.filter((r) => !r.ok);
console.log(JSON.stringify({ summary: true, checks: results.length, failed: failed.length }));
process.exit(failed.length === 0 ? 0 : 1);
