// Types of the twentythree connector (web/src/twentythree.js).
export {};
