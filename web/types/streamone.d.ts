// Types of the streamone connector (web/src/streamone.js).
export {};
