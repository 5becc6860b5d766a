/** The cache folder's layout version: entries live in <cache>/<CACHE_LAYOUT>/ (see store.ts). */
export const CACHE_LAYOUT = "v1";
