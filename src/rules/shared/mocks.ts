// Moved to src/engine/semantic/mocks.ts; this re-export serves hygiene.ts (being edited on another branch) until its import follows.
export * from "../../engine/semantic/mocks.js";
