// Types of the org connector (web/src/org.js).
export {};
