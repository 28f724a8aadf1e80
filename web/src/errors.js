// Errors carry the core's stable code (the same strings as the CLI and the C API).
export class SsoError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'SsoError';
    this.code = code;
    this.details = details;
  }
}
