#!/usr/bin/env node
// Signed requests to a running sandbox's HTTPS ingress (DESIGN §6), using endpoints.json.
//   node e2e-tests/scripts/sandbox-curl.mjs GET  aws   /records/user/1
//   node e2e-tests/scripts/sandbox-curl.mjs POST azure /events change.json
//   node e2e-tests/scripts/sandbox-curl.mjs GET  gcp   '/records/user/1?repair=true'
//   node e2e-tests/scripts/sandbox-curl.mjs POST aws   /admin/dead-letters/replay <(echo '{"reason":"..."}')
// Signs per Standard Webhooks with that cloud's own secret, clouds.<cloud>.secret (webhook-id = the event's id for
// POST /events; a GET signs "GET <path-and-query>")
// and trusts only the sandbox CA. A body goes to /events as application/cloudevents+json, to any other route
// (/anti-entropy/digests, /admin/dead-letters/replay) as application/json. Prints the status line and the body.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [method, cloud, path, file] = process.argv.slice(2);
if (!method || !cloud || !path) {
  console.error('usage: sandbox-curl.mjs GET|POST|OPTIONS aws|azure|gcp /path [body.json]');
  process.exit(2);
}
const endpointsFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'sandbox', 'endpoints.json');
const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8'));
const target = endpoints.clouds[cloud];
if (!target) {
  console.error(`unknown cloud ${cloud}; known: ${Object.keys(endpoints.clouds).join(', ')}`);
  process.exit(2);
}
const body = file ? readFileSync(file) : Buffer.alloc(0);
const url = new URL(path, target.ingress);
const isEvent = url.pathname === '/events';
const id = file && isEvent ? JSON.parse(body.toString('utf8')).id : `curl-${randomUUID()}`;
const timestamp = Math.floor(Date.now() / 1000).toString();
const key = Buffer.from(target.secret.replace(/^whsec_/, ''), 'base64');
// DESIGN §6: a POST signs its body; a GET signs "GET <path-and-query>", the request target as sent.
const payload = method === 'GET' ? Buffer.from(`GET ${url.pathname}${url.search}`) : body;
const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest('base64');
const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
if (file) {
  headers['content-type'] = isEvent ? 'application/cloudevents+json' : 'application/json';
}
const req = request(url, { method, headers, ca: readFileSync(endpoints.caCertificate) }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    console.log(`HTTP ${res.statusCode}`);
    console.log(Buffer.concat(chunks).toString('utf8'));
  });
});
req.on('error', (e) => {
  console.error(e.message);
  process.exit(1);
});
req.end(body);
