// What browsers and page bundlers get for "#node-host" (package.json "imports"): nothing of Node.
export const nodeBuild = null;
export const getRandomValues = null;
export const createSigner = null;  // no private keys in a page (createSsoClient refuses privateKey)
export const nodeExchange = null;  // pages send with fetch
export const stockNetwork = null;
