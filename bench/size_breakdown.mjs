// What each part of the browser payload costs. Builds a copy of the browser WebAssembly with
// function names kept (--profiling-funcs; same flags otherwise) into build/wasm-prof, reads its
// code section function by function and groups the bodies by what they belong to (by the
// function's qualified name: after LTO inlining a function's body also holds what it inlined,
// so the groups are close, not exact). The JavaScript side comes from esbuild's metafile.
// gzip figures per group are each group's bodies compressed alone (gzip -9), so they add up to a
// little more than the whole file compressed at once.
// A second table sorts the core's and the call interface's functions by the capability they
// serve (DPoP, device, profile mapping...), so that the note on a size target can say what
// each part of the payload buys.
// Run: node bench/size_breakdown.mjs [--top N] [--no-build]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { budget, bundle, gzip9 as gz, root } from './browser_payload.mjs';

const topArg = process.argv.indexOf('--top');
const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 0;

const profDir = `${root}build/wasm-prof`;
if (!process.argv.includes('--no-build')) {
  const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
  execFileSync('cmake', ['--preset', 'wasm', '-B', profDir, '-DCMAKE_EXE_LINKER_FLAGS_MINSIZEREL=-Oz -flto --profiling-funcs',
    `-DSSOKIT_WEB_DIST=${profDir}/dist`, '-DSSOKIT_WASM_OPT_KEEP_NAMES=ON'], { cwd: root, env, stdio: 'ignore' });
  execFileSync('cmake', ['--build', profDir, '-j2', '--target', 'ssokit_wasm'], { cwd: root, env, stdio: 'ignore' });
}

// --- a minimal WebAssembly reader: sections, imported function count, the name section, bodies.
function readModule(buf) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return r; };
  const skipLimits = () => { const flags = buf[p++]; leb(); if (flags & 1) leb(); };
  const names = new Map();
  const sections = {};
  let importedFunctions = 0;
  let code;
  while (p < buf.length) {
    const id = buf[p++];
    const size = leb();
    const start = p;
    if (id === 0) {
      const len = leb();
      const name = buf.subarray(p, p + len).toString();
      p += len;
      sections[`custom "${name}"`] = size;
      if (name === 'name') {
        while (p < start + size) {
          const sub = buf[p++];
          const end = leb() + p;
          if (sub === 1) for (let i = leb(); i > 0; i--) { const idx = leb(); const l = leb(); names.set(idx, buf.subarray(p, p + l).toString()); p += l; }
          p = end;
        }
      }
    } else {
      sections[['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id] ?? id] = size;
    }
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const len = leb(); p += len; }  // module and field names
        const kind = buf[p++];
        if (kind === 0) { leb(); importedFunctions++; } else if (kind === 1) { p++; skipLimits(); } else if (kind === 2) skipLimits(); else p += 2;
      }
    }
    if (id === 10) code = { start, size };
    if (id === 11) sections.dataBytes = buf.subarray(start, start + size);
    p = start + size;
  }
  p = code.start;
  const functions = [];
  for (let i = 0, n = leb(); i < n; i++) {
    const size = leb();
    functions.push({ name: names.get(importedFunctions + i) ?? `function ${i}`, body: buf.subarray(p, p + size) });
    p += size;
  }
  return { sections, functions };
}

// Groups, first match wins; matched against the qualified name without its parameter list.
const groups = [
  ['mbedTLS bignum', /^(mbedtls_mpi|mpi_)/],
  ['mbedTLS ECP + ECDSA', /^(mbedtls_ecp|ecp_|mbedtls_ecdsa|ecdsa_|derive_mpi)/],
  ['mbedTLS RSA (PKCS#1 v1.5, PSS)', /^(mbedtls_rsa|rsa_|mgf_mask)/],
  ['mbedTLS SHA-1/2 + MD', /^(mbedtls_(internal_)?sha|mbedtls_md|md_)/],
  ['mbedTLS AES-GCM', /^(mbedtls_(aes|gcm|cipher)|aes_|gcm_)/],
  ['mbedTLS CTR_DRBG', /^(mbedtls_ctr_drbg|ctr_drbg|block_cipher_df)/],
  ['mbedTLS other (ASN.1, OID, platform)', /^(mbedtls_|asn1|oid_)/],
  ['JSON (values, parser, writer)', /^(nlohmann::|ssokit::Json\b|ssokit::(parse_json|dump_json|json_)|ssokit::(anonymous namespace)::(Parser|Writer|parse_value|write_))/],
  ['call interface (bindings/api)', /^(ssokit::api::|ssokit_call|ssokit_free)/],
  ['video platforms (browser-safe parts)', /^ssokit::(twentythree|streamone|muvi|org)(::|_)/],
  ['profile mapping', /profile|parse_rule|Rule/],
  ['device flow', /device/i],
  ['ssokit core (OAuth, OIDC, JOSE, URL, session)', /^ssokit::/],
  ['libc++ (strings, containers)', /^(std::|operator new|operator delete|__cxa|__cxx)/],
  ['libc, allocator, compiler runtime', /./],
];

// The same code by what it buys (issue 14: "what the remaining bytes buy"), first match wins, on
// the names of the core's and the call interface's functions; the rest stays in the first table's
// terms. Approximate like the groups above: LTO inlines callees into their callers.
const capabilities = [
  ['DPoP (RFC 9449: proofs, nonces, resource requests)', /dpop|Dpop|resource_(request|response)|with_proof/],
  ['pushed authorization requests (RFC 9126)', /pushed|Pushed/],
  ['device sign-in (RFC 8628)', /device|Device/],
  ['profile mapping (presets, rules, the profile request)', /profile|Profile|parse_rule|Rule|preset|spec_|split_pieces|normalize|scalar_text|condition_holds|::lookup$/],
  ['user-info (plain and signed)', /userinfo|Userinfo/],
  ['sign-out and revocation', /signout|Signout|logout|revocation|Revocation/],
  ['ID token, JWKS and JWS validation (claims, keys, the EC point check)', /id_token|IdToken|Jwks|Jwk|jwk|jws|Jws|jwt|Jwt|Verify|verify|keys|algs|signature|b64_member|mul_mod|multiply|check_sub|date_claim|expectations/],
  ['digests (SHA-1/2, HMAC)', /Sha<|sha\d|hmac|Hmac|hash/],
  ['discovery and client configuration', /discovery|ProviderMetadata|ClientConfig|client_check|provider|issuer|https_or_loopback|redirect_uri|client_auth/],
  ['sign-in, callback and tokens (PKCE, state, the session machine, refresh)', /authoriz|callback|Callback|pkce|Pkce|token|Token|Transaction|transaction|flow|Flow|advance|signin|refresh|step|Step|Session|session|phase|base_state|enveloped|required_members/],
  ['URL, form and base64 encoding', /url|Url|form_|percent|base64|query|dot_segment|::encode$/],
  ['JSON parsing and the call interface (dispatch, requests and answers as JSON)', /Json|json|pointer|write_string|utf8|ssokit_call|ssokit::api::|response_params/],
  ['errors and redaction', /Error|error|redact|message|forms_of|replace_all/],
];

const wasmPath = `${profDir}/dist/ssokit-core.wasm`;
const { sections, functions } = readModule(readFileSync(wasmPath));
const table = new Map(groups.map(([name]) => [name, { raw: 0, bodies: [], functions: [] }]));
for (const f of functions) {
  const bare = f.name.replace(/\(.*$/s, '');
  const [name] = groups.find(([, re]) => re.test(bare));
  const g = table.get(name);
  g.raw += f.body.length;
  g.bodies.push(f.body);
  g.functions.push(f);
}

const byCapability = new Map(capabilities.map(([name]) => [name, []]));
for (const name of ['call interface (bindings/api)', 'profile mapping', 'device flow', 'ssokit core (OAuth, OIDC, JOSE, URL, session)']) {
  for (const f of table.get(name).functions) {
    const bare = f.name.replace(/\(anonymous namespace\)/g, '').replace(/\(.*$/s, '');
    const found = capabilities.find(([, re]) => re.test(bare));
    const key = found ? found[0] : 'other core code (JSON helpers, time, text, dispatch)';
    if (!byCapability.has(key)) byCapability.set(key, []);
    byCapability.get(key).push(f.body);
  }
}

const shipped = readFileSync(`${root}web/dist/ssokit-core.wasm`);
const rows = [...table].filter(([, g]) => g.raw > 0).sort((a, b) => b[1].raw - a[1].raw)
  .map(([name, g]) => ({ part: name, raw: g.raw, gzip9: gz(Buffer.concat(g.bodies)), functions: g.functions.length, g }));
rows.push({ part: 'data (strings, tables: error messages, profile presets, curve constants)', raw: sections.dataBytes.length, gzip9: gz(sections.dataBytes), functions: 0 });

// JavaScript: what a page bundles for createSsoClient, per source module.
const js = await bundle("export { createSsoClient } from './web/src/index.js';", { metafile: true });
const jsBytes = js.outputFiles[0].contents;
const jsInputs = Object.entries(Object.values(js.metafile.outputs)[0].inputs).map(([file, v]) => ({ file, bytes: v.bytesInOutput }))
  .sort((a, b) => b.bytes - a.bytes);

const fmt = (n) => n.toLocaleString('en-US');
console.log(`## Browser payload breakdown (${wasmPath.replace(root, '')}, names kept; shipped file web/dist/ssokit-core.wasm)\n`);
console.log(`shipped wasm: ${fmt(shipped.length)} bytes raw, ${fmt(gz(shipped))} gzip -9; JS bundle (createSsoClient, esbuild minified): ` +
  `${fmt(jsBytes.length)} raw, ${fmt(gz(jsBytes))} gzip -9; total ${fmt(gz(shipped) + gz(jsBytes))} gzip -9 (budget ${fmt(budget.browser_payload_gzip9_bytes)})\n`);
console.log('| part of the wasm | raw bytes | gzip -9 alone | functions |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.part} | ${fmt(r.raw)} | ${fmt(r.gzip9)} | ${r.functions} |`);
console.log('\n| what the core and call interface code buys | raw bytes | gzip -9 alone |');
console.log('|---|---:|---:|');
for (const [name, bodies] of [...byCapability].filter(([, b]) => b.length).sort((a, b) => Buffer.concat(b[1]).length - Buffer.concat(a[1]).length)) {
  const all = Buffer.concat(bodies);
  console.log(`| ${name} | ${fmt(all.length)} | ${fmt(gz(all))} |`);
}
console.log(`\nother sections: ${Object.entries(sections).filter(([k]) => !['code', 'data', 'dataBytes'].includes(k) && !k.startsWith('custom')).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log('\n| JS module (bundled, minified) | bytes |');
console.log('|---|---:|');
for (const i of jsInputs) console.log(`| ${i.file} | ${fmt(i.bytes)} |`);
if (top > 0) {
  for (const r of rows.filter((x) => x.g)) {
    console.log(`\n### ${r.part}: largest functions`);
    for (const f of r.g.functions.sort((a, b) => b.body.length - a.body.length).slice(0, top)) console.log(`${String(f.body.length).padStart(7)}  ${f.name.slice(0, 140)}`);
  }
}
