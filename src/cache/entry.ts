/** What a cache entry holds for one file, as JSON, and the check that a JSON value is one. */
import type { FilePytestFacts } from "../engine/facts.js";
import type { FindingRecord } from "../engine/record.js";

/** Bumped when the entry layout changes: entries of another format are ignored (and rewritten). */
export const ENTRY_FORMAT = 2;

/** A finding record without its path (the entry's file): a hit returns the records the check made, as they were. */
export type CachedFinding = Omit<FindingRecord, "path">;

export interface CachedFacts {
  marks: [string, number][];
  addedMarks: string[];
  registeredMarkers: string[];
  unreadableRegistration: boolean;
  autoNumWorkersHook: boolean;
  closesAllFigures: boolean;
}

export interface CacheEntry {
  format: number;
  tool: string;
  /** Digest of everything the result depends on; an entry is used only when it matches exactly. */
  key: string;
  path: string;
  findings: CachedFinding[];
  /** The file's own suite facts (when the run recorded them), and those of the conftest.py files above it. */
  facts: { path: string; own: boolean; facts: CachedFacts }[];
}

export function toCachedFacts(f: FilePytestFacts): CachedFacts {
  return {
    marks: [...f.marks],
    addedMarks: [...f.addedMarks],
    registeredMarkers: [...f.registeredMarkers],
    unreadableRegistration: f.unreadableRegistration,
    autoNumWorkersHook: f.autoNumWorkersHook,
    closesAllFigures: f.closesAllFigures,
  };
}

export function fromCachedFacts(f: CachedFacts): FilePytestFacts {
  return {
    marks: new Map(f.marks),
    addedMarks: new Set(f.addedMarks),
    registeredMarkers: new Set(f.registeredMarkers),
    unreadableRegistration: f.unreadableRegistration,
    autoNumWorkersHook: f.autoNumWorkersHook,
    closesAllFigures: f.closesAllFigures,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** 1-based line and column of a start and an (exclusive) end. */
function isSpan(v: Record<string, unknown>): boolean {
  return isInt(v["line"]) && isInt(v["column"]) && isInt(v["endLine"]) && isInt(v["endColumn"]);
}

function isEdit(v: unknown): boolean {
  return isObject(v) && isSpan(v) && isString(v["content"]);
}

function isFix(v: unknown): boolean {
  if (v === null) return true;
  return isObject(v) && (v["applicability"] === "safe" || v["applicability"] === "unsafe") && isString(v["message"]) && Array.isArray(v["edits"]) && v["edits"].every(isEdit);
}

function isFinding(v: unknown): v is CachedFinding {
  return (
    isObject(v) &&
    isString(v["code"]) &&
    isString(v["name"]) &&
    (v["severity"] === "error" || v["severity"] === "warning" || v["severity"] === "info") &&
    isString(v["message"]) &&
    isInt(v["start"]) &&
    isSpan(v) &&
    isString(v["lineText"]) &&
    isFix(v["fix"])
  );
}

function isFacts(v: unknown): v is CachedFacts {
  return (
    isObject(v) &&
    Array.isArray(v["marks"]) &&
    v["marks"].every((m) => Array.isArray(m) && m.length === 2 && isString(m[0]) && isInt(m[1])) &&
    Array.isArray(v["addedMarks"]) &&
    v["addedMarks"].every(isString) &&
    Array.isArray(v["registeredMarkers"]) &&
    v["registeredMarkers"].every(isString) &&
    typeof v["unreadableRegistration"] === "boolean" &&
    typeof v["autoNumWorkersHook"] === "boolean" &&
    typeof v["closesAllFigures"] === "boolean"
  );
}

/** Parses an entry's text; anything else (truncated, corrupt, another format, another file) is undefined. */
export function parseEntry(text: string, expected: { tool: string; key: string; path: string }): CacheEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v["format"] !== ENTRY_FORMAT || v["tool"] !== expected.tool || v["key"] !== expected.key || v["path"] !== expected.path) return undefined;
  const findings = v["findings"];
  const facts = v["facts"];
  if (!Array.isArray(findings) || !findings.every(isFinding)) return undefined;
  if (!Array.isArray(facts) || !facts.every((f) => isObject(f) && isString(f["path"]) && typeof f["own"] === "boolean" && isFacts(f["facts"]))) return undefined;
  return v as unknown as CacheEntry;
}
