// What browsers and page bundlers get for "#node-host" (package.json "imports"): nothing of Node.
export const nodeBuild = null;
