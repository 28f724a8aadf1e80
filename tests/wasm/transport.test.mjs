// The fetch transport's bounds (web/src/transport.js): bodies over 1 MiB are refused without being
// read to the end, a body that trickles past the timeout is `timeout` (an SsoError, not a raw
// DOMException), redirects are handed back, not followed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { fetchTransport } from '../../web/src/transport.js';
import { SsoError } from '../../web/src/errors.js';

const MiB = 1024 * 1024;
let server;
let base;
let endlessSent = 0;  // bytes of the endless body written before the client hung up

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/endless') {
      // Chunked, no Content-Length, up to 64 MiB: only the client hanging up ends it early.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      res.on('close', () => { endlessSent = sent; });
      const pump = () => {
        while (sent < 64 * MiB && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) { res.once('drain', pump); return; }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    } else if (req.url === '/declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * MiB) });
      res.end(Buffer.alloc(2 * MiB, 'a'));
    } else if (req.url === '/exact') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(MiB, 'a'));
    } else if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/json' });
      let left = 50;  // 10 s at most
      const timer = setInterval(() => {
        if (--left <= 0) { clearInterval(timer); res.end(); return; }
        res.write('a');
      }, 200);
      res.on('close', () => clearInterval(timer));
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://example.invalid/' });
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":"é"}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (path, options) => fetchTransport(fetch, options)({ method: 'GET', url: `${base}${path}`, headers: [] });

test('a small body comes back decoded as UTF-8', async () => {
  const r = await get('/small');
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"ok":"é"}');
});

test('exactly 1 MiB is accepted', async () => {
  assert.equal((await get('/exact')).body.length, MiB);
});

test('an endless body is cut off at 1 MiB, not read to the end', async () => {
  await assert.rejects(get('/endless'), (e) => e instanceof SsoError && e.code === 'invalid_response');
  for (let i = 0; i < 100 && endlessSent === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(endlessSent > 0 && endlessSent < 16 * MiB, `the server sent ${endlessSent} bytes`);
});

test('a declared Content-Length over 1 MiB is refused', async () => {
  await assert.rejects(get('/declared'), (e) => e instanceof SsoError && e.code === 'invalid_response');
});

test('a body that trickles past the timeout is timeout', async () => {
  const started = Date.now();
  await assert.rejects(get('/trickle', { timeoutMs: 500 }), (e) => e instanceof SsoError && e.code === 'timeout');
  assert.ok(Date.now() - started < 5000);
});

test('a redirect is returned, not followed', async () => {
  const r = await get('/redirect');
  assert.equal(r.status, 302);
});

test('a fetch stand-in without body streams is read whole and still capped', async () => {
  const fake = (body) => async () => ({ status: 200, headers: new Headers(), text: async () => body });
  const send = (body) => fetchTransport(fake(body))({ method: 'GET', url: 'https://id.example.com/x', headers: [] });
  assert.equal((await send('{}')).body, '{}');
  await assert.rejects(send('a'.repeat(MiB + 1)), (e) => e.code === 'invalid_response');
});
