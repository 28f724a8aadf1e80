// Profile mapping for membership platforms through the WebAssembly build: the low-level steps
// (mapProfile with the profile document, profileRequest / processProfile / fetchProfile against
// a loopback server started here), the browser build answering them too (no secret involved),
// and the membership presets. The shared cases (tests/cases/profile*.json) run in cases.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  mapProfile, profileRequest, processProfile, fetchProfile, loadCore, SsoError,
} from '../../web/src/index.js';
import { loadCoreVariant } from '../../web/src/core.js';

const NOW = 1700000000;
let server;
let base;
const seen = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    if (req.headers.authorization !== 'Bearer member-token') {
      res.writeHead(401, { 'www-authenticate': 'Bearer' });
      return res.end();
    }
    if (req.url === '/members/me') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ AccountInformation: { MembershipExpires: false, Membership: 'Lifetime', MemberTypeCode: 'LIFE' } }));
    }
    if (req.url === '/members/list') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('[{"plan": "gold"}]');
    }
    if (req.url === '/members/text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('member');
    }
    res.writeHead(404);
    return res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((resolve) => server.close(() => resolve())));

test('fetchProfile sends the Bearer token and returns the object; mapProfile reads it as the profile document', async () => {
  const profile = await fetchProfile({ url: `${base}/members/me`, accessToken: 'member-token' });
  assert.equal(seen.at(-1).authorization, 'Bearer member-token');
  assert.deepEqual(profile.AccountInformation.Membership, 'Lifetime');
  const mapped = await mapProfile({ claims: { sub: 'ym-7' }, userinfo: { sub: 'ym-7', MemberId: 7 }, profile, mapping: 'yourmembership', now: NOW });
  assert.deepEqual(mapped, {
    userId: '7', firstName: null, lastName: null, email: null, membershipStatus: 'active', membershipType: 'LIFE', groups: [],
  });
});

test('fetchProfile: an array answer; errors are http_error (naming the endpoint) and invalid_response', async () => {
  assert.deepEqual(await fetchProfile({ url: `${base}/members/list`, accessToken: 'member-token' }), [{ plan: 'gold' }]);
  await assert.rejects(fetchProfile({ url: `${base}/members/me`, accessToken: 'wrong-token' }), (e) => {
    assert.ok(e instanceof SsoError);
    assert.equal(e.code, 'http_error');
    assert.equal(e.details.status, 401);
    assert.equal(e.details.endpoint, `${base}/members/me`);
    assert.doesNotMatch(e.message, /wrong-token/);
    return true;
  });
  await assert.rejects(fetchProfile({ url: `${base}/members/text`, accessToken: 'member-token' }), (e) => e.code === 'invalid_response');
  await assert.rejects(fetchProfile({ url: `${base}/nothing`, accessToken: 'member-token' }), (e) => e.code === 'http_error' && e.details.status === 404);
});

test('profileRequest refuses plain http to a non-loopback host before anything is sent', async () => {
  const count = seen.length;
  await assert.rejects(profileRequest({ url: 'http://members.example.org/me', accessToken: 't' }), (e) => e.code === 'invalid_url');
  await assert.rejects(fetchProfile({ url: 'http://members.example.org/me', accessToken: 't' }), (e) => e.code === 'invalid_url');
  assert.equal(seen.length, count);
  const request = await profileRequest({ url: 'https://members.example.org/me', accessToken: 't' });
  assert.deepEqual(request.headers, [['Authorization', 'Bearer t'], ['Accept', 'application/json']]);
});

test('processProfile checks a response handed in', async () => {
  const ok = await processProfile({ status: 200, headers: [], body: '{"member_status":"current"}' }, { url: 'https://m.example.org/me' });
  assert.deepEqual(ok, { member_status: 'current' });
  await assert.rejects(processProfile({ status: 200, headers: [], body: '42' }, { url: 'https://m.example.org/me' }),
    (e) => e.code === 'invalid_response');
});

test('the browser build maps profiles and builds profile requests too (no secret involved)', async () => {
  const browser = await loadCoreVariant('browser');
  const params = {
    claims: { sub: 'c-1' }, userinfo: { sub: 'c-1', member_status: 'Inheriting', given_name: 'Ada', family_name: 'L' },
    mapping: 'novi', now: NOW,
  };
  const server = await loadCore();
  assert.deepEqual(browser.call('profile.map', params), server.call('profile.map', params));
  assert.equal(browser.call('profile.map', params).membershipStatus, 'active');
  assert.equal(browser.call('profile.request', { url: 'https://m.example.org/me', access_token: 't' }).method, 'GET');
});

test('every preset, new ones included, validates and maps a sub-only document in both builds', async () => {
  // profile.presets/preset/validate are tool methods: the page build's core with them (page-tools.mjs).
  const browser = await loadCoreVariant('page-tools');
  const names = browser.call('profile.presets', {});
  for (const name of ['webcastcloud', 'novi', 'imis', 'wordpress', 'yourmembership']) assert.ok(names.includes(name), name);
  for (const name of names) {
    assert.equal(browser.call('profile.validate', { mapping: name }), true);
    const spec = browser.call('profile.preset', { name });
    assert.equal(typeof spec.fields, 'object');
    // The spec a preset returns is itself a valid mapping with the same meaning.
    const doc = { claims: { sub: 's', member_status: 'current', contact_tags: 'a, b' }, now: NOW };
    assert.deepEqual(browser.call('profile.map', { ...doc, mapping: spec }), browser.call('profile.map', { ...doc, mapping: name }));
  }
});

test('hostile profile documents never crash the WebAssembly core', async () => {
  const nest = (levels) => {
    let v = 'x';
    for (let i = 0; i < levels; i++) v = [v];
    return v;
  };
  const huge = Array.from({ length: 50000 }, (_, i) => `group-${i}`);
  const mapped = await mapProfile({
    claims: { sub: 'u' }, profile: { memberGroups: huge, nested: nest(50), member_status: { not: 'a string' } },
    mapping: 'webcastcloud', now: NOW,
  });
  assert.equal(mapped.groups.length, 256);
  assert.equal(mapped.groups[255], 'group-255');
  assert.equal(mapped.membershipStatus, null);
  // Deeper than the call interface's JSON limit: a clean error, and the core keeps working.
  await assert.rejects(mapProfile({ claims: { sub: 'u' }, profile: { nested: nest(3000) }, now: NOW }),
    (e) => e instanceof SsoError && e.code === 'invalid_argument');
  await assert.rejects(mapProfile({ claims: { sub: 'u' }, profile: 'text', now: NOW }), (e) => e.code === 'invalid_argument');
  assert.equal((await mapProfile({ claims: { sub: 'still-fine' }, now: NOW })).userId, 'still-fine');
});
