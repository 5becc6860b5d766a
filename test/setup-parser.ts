// Tests call the linter in-process: load the parser first (the WebAssembly one starts asynchronously).
import { loadParser } from "../src/engine/parser.js";

await loadParser();
