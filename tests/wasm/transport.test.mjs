// The fetch transport's bounds (web/src/transport.js): bodies over 1 MiB are refused without being
// read to the end, a body that trickles past the timeout is `timeout` (an SsoError, not a raw
// DOMException), redirects are handed back, not followed. Each for both exchanges: Node's default
// (node:http, web/src/node-http.js, while undici has not started) first, then fetch; both hand the
// core the same request and the same answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fetchTransport } from '../../web/src/transport.js';
import { SsoError } from '../../web/src/errors.js';
import { startSelfSignedServer } from '../tls.mjs';

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
    } else if (req.url === '/echo') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        res.setHeader('x-many', ['one', 'two']);
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(200, { 'content-type': 'application/json', 'X-Upper': 'Case' });
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
      });
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

const undiciStarted = () => globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined;

// The Node default first: nothing in this file has called fetch yet.
const variants = [['Node default (node:http)', undefined], ['fetch', (...args) => fetch(...args)]];

for (const [name, fetchImpl] of variants) {
  const get = (path, options) => fetchTransport(fetchImpl, options)({ method: 'GET', url: `${base}${path}`, headers: [] });

  test(`${name}: a small body comes back decoded as UTF-8`, async () => {
    const r = await get('/small');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"ok":"é"}');
  });

  test(`${name}: exactly 1 MiB is accepted`, async () => {
    assert.equal((await get('/exact')).body.length, MiB);
  });

  test(`${name}: an endless body is cut off at 1 MiB, not read to the end`, async () => {
    endlessSent = 0;
    await assert.rejects(get('/endless'), (e) => e instanceof SsoError && e.code === 'invalid_response');
    for (let i = 0; i < 100 && endlessSent === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(endlessSent > 0 && endlessSent < 16 * MiB, `the server sent ${endlessSent} bytes`);
  });

  test(`${name}: a declared Content-Length over 1 MiB is refused`, async () => {
    await assert.rejects(get('/declared'), (e) => e instanceof SsoError && e.code === 'invalid_response');
  });

  test(`${name}: a body that trickles past the timeout is timeout`, async () => {
    const started = Date.now();
    await assert.rejects(get('/trickle', { timeoutMs: 500 }), (e) => e instanceof SsoError && e.code === 'timeout');
    assert.ok(Date.now() - started < 5000);
  });

  test(`${name}: a redirect is returned, not followed`, async () => {
    const r = await get('/redirect');
    assert.equal(r.status, 302);
    assert.ok(r.headers.some(([n, v]) => n === 'location' && v === 'http://example.invalid/'));
  });

  test(`${name}: a form POST goes with its length and headers, the answer's headers as fetch lists them`, async () => {
    const body = 'grant_type=authorization_code&code=%C3%A9';
    const r = await fetchTransport(fetchImpl)({ method: 'POST', url: `${base}/echo`, body,
      headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['Accept', 'application/json']] });
    const seen = JSON.parse(r.body);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.body, body);
    assert.equal(seen.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(seen.headers['transfer-encoding'], undefined);
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(seen.headers.accept, 'application/json');
    assert.ok(seen.headers['user-agent'], 'a User-Agent is sent');
    const value = (n) => r.headers.filter(([k]) => k === n).map(([, v]) => v);
    assert.deepEqual(value('x-many'), ['one, two']);
    assert.deepEqual(value('set-cookie'), ['a=1', 'b=2']);
    assert.deepEqual(value('x-upper'), ['Case']);
  });

  test(`${name}: an unreachable server is network_error, naming no query`, async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${closed.address().port}/token?code=secret`;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(fetchTransport(fetchImpl)({ method: 'GET', url, headers: [] }),
      (e) => e instanceof SsoError && e.code === 'network_error' && !e.message.includes('secret'));
  });

  if (fetchImpl === undefined) {
    test('Node default over https: a certificate that does not verify is network_error, one the process trusts is used', async () => {
      let requests = 0;
      const tls = await startSelfSignedServer((req, res) => {
        requests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"tls":true}');
      });
      const url = `${tls.base}/x`;
      try {
        await assert.rejects(fetchTransport()({ method: 'GET', url, headers: [] }),
          (e) => e instanceof SsoError && e.code === 'network_error');
        assert.equal(requests, 0);
        // A process that trusts the certificate (NODE_EXTRA_CA_CERTS): the request goes through.
        const script = `import { fetchTransport } from ${JSON.stringify(new URL('../../web/src/transport.js', import.meta.url).href)};
const r = await fetchTransport()({ method: 'GET', url: ${JSON.stringify(url)}, headers: [] });
console.log(JSON.stringify({ status: r.status, body: r.body, undici: globalThis[Symbol.for('undici.globalDispatcher.1')] !== undefined }));`;
        const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.cert }, timeout: 20000 });
        assert.deepEqual(JSON.parse(stdout), { status: 200, body: '{"tls":true}', undici: false });
        assert.equal(requests, 1);
      } finally {
        await tls.stop();
      }
    });

    test('the Node default sent all of the above without starting undici', () => {
      assert.equal(undiciStarted(), false);
    });
  }
}

test('once the process has used fetch, the default goes through fetch too (and its dispatcher)', async () => {
  assert.equal(undiciStarted(), true);
  const r = await fetchTransport()({ method: 'GET', url: `${base}/echo`, headers: [] });
  assert.equal(JSON.parse(r.body).headers['user-agent'], 'node');  // fetch's, not node-http.js's "ssokit"
});

test('a fetch option that is not a function is invalid_argument', () => {
  assert.throws(() => fetchTransport('fetch'), (e) => e instanceof SsoError && e.code === 'invalid_argument');
});

test('a fetch stand-in without body streams is read whole and still capped', async () => {
  const fake = (body) => async () => ({ status: 200, headers: new Headers(), text: async () => body });
  const send = (body) => fetchTransport(fake(body))({ method: 'GET', url: 'https://id.example.com/x', headers: [] });
  assert.equal((await send('{}')).body, '{}');
  await assert.rejects(send('a'.repeat(MiB + 1)), (e) => e.code === 'invalid_response');
});
