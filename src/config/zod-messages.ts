import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

/**
 * The configuration is checked with Zod's tree-shakable "mini" build (about 40 KB bundled, against
 * about 750 KB for the classic API, which every run would load and compile to check a few keys).
 * Unlike the classic build it loads no messages: this gives it the English ones.
 */
config(en());
