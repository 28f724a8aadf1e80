// Types of the muvi connector (web/src/muvi.js).
export {};
