// The low-level methods the page build (ssokit-core.wasm) leaves out of its method table because
// no page module (web/src/*.js) calls them (bindings/api/api_internal.hpp: the tool tables). The
// test-only build ssokit-page-tools.wasm (loadCoreVariant('page-tools')) is the page build with
// them, so the tests that reach the page core through them still run on the page core's code.
export const TOOL_METHODS = [
  'random.token', 'random.bytes', 'base64url.encode', 'base64url.decode', 'base64.encode', 'hash', 'hmac',
  'constant_time_equal', 'json.parse', 'error.codes',
  'url.parse', 'url.build', 'url.percent_encode', 'url.percent_decode', 'form.encode', 'form.decode',
  'url.add_query', 'url.query_params', 'url.fragment_params', 'url.same_origin', 'return_url.validate',
  'jws.verify', 'jws.verify_raw',
  'profile.presets', 'profile.preset', 'profile.validate',
  'device.token_request', 'device.poll',
];

export const isToolMethod = (method) => TOOL_METHODS.includes(method);

// What the page build answers for a tool method: the ordinary unknown-method error.
export const unknownMethod = (e) => e?.code === 'invalid_argument' && /unknown method/.test(e.message);
