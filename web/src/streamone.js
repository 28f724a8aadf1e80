// streamone connector (docs/platforms/streamone.md). Calls that need the platform's secret run in Node
// (the server build of the core); in a browser page they reject with SsoError 'server_only'.
export {};
