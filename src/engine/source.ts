import { createRequire } from "node:module";
import type iconvLite from "iconv-lite";

// iconv-lite builds its codec tables when loaded: only files in an encoding other than UTF-8 load it.
const require = createRequire(import.meta.url);
let iconvModule: typeof iconvLite | undefined;
const iconv = new Proxy({} as typeof iconvLite, { get: (_, key) => (iconvModule ??= require("iconv-lite") as typeof iconvLite)[key as keyof typeof iconvLite] });

/** A decoded Python source file and what is needed to write it back byte-for-byte. */
export interface SourceText {
  text: string;
  /** Encoding to write back with (a Node/iconv-lite name). */
  encoding: string;
  bom: boolean;
}

export class DecodeError extends Error {}

// PEP 263, as Python's tokenizer reads it: only on line 1, or line 2 when line 1 is a comment or blank.
const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT_RE = /^[ \t\f]*(?:[#\r\n]|$)/;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Maps Python codec names that iconv-lite spells differently; iconv-lite ignores case, `-` and `_`. */
const PYTHON_CODEC_ALIASES: Record<string, string> = {
  latin: "latin1",
  l1: "latin1",
  "iso-8859-1": "latin1",
  iso8859_1: "latin1",
  "latin-1": "latin1",
  u8: "utf8",
  utf: "utf8",
  "utf-8-sig": "utf8",
  "utf8-sig": "utf8",
  ascii: "ascii",
  "us-ascii": "ascii",
};

function normaliseCodec(name: string): string {
  const lower = name.toLowerCase();
  if (lower in PYTHON_CODEC_ALIASES) return PYTHON_CODEC_ALIASES[lower] ?? lower;
  if (lower.startsWith("utf-8") || lower.startsWith("utf_8")) return "utf8";
  return lower.replace(/_/g, "-");
}

export function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 1024).toString("latin1");
  const lines = head.split("\n", 2);
  const first = lines[0] ?? "";
  const m1 = CODING_RE.exec(first);
  if (m1) return m1[1];
  if (!BLANK_OR_COMMENT_RE.test(first)) return undefined;
  const m2 = CODING_RE.exec(lines[1] ?? "");
  return m2?.[1];
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes source bytes as Python does (UTF-8, BOM, PEP 263); throws DecodeError with a one-line reason. */
export function decodeSource(bytes: Buffer): SourceText {
  if (bytes.includes(0)) throw new DecodeError("binary file (contains a NUL byte), not Python source");
  const bom = bytes.subarray(0, 3).equals(UTF8_BOM);
  const body = bom ? bytes.subarray(3) : bytes;
  const declared = declaredEncoding(body);
  const encoding = declared === undefined ? "utf8" : normaliseCodec(declared);
  if (bom && encoding !== "utf8") {
    throw new DecodeError(`encoding problem: '${declared ?? ""}' declared with a UTF-8 BOM`);
  }
  if (encoding === "utf8") {
    try {
      return { text: strictUtf8.decode(body), encoding, bom };
    } catch {
      const at = firstInvalidUtf8(body);
      throw new DecodeError(`not valid UTF-8 (byte 0x${(body[at] ?? 0).toString(16)} at offset ${at}) and no coding declaration`);
    }
  }
  if (!iconv.encodingExists(encoding)) throw new DecodeError(`unknown encoding '${declared ?? encoding}' in coding declaration`);
  if (!isAsciiCompatible(encoding)) {
    throw new DecodeError(`encoding problem: ${declared ?? encoding} (a coding declaration needs an ASCII-compatible encoding)`);
  }
  const text = iconv.decode(body, encoding);
  // iconv-lite substitutes U+FFFD for bytes the codec does not define; a lossless file round-trips.
  if (text.includes("\ufffd") && !iconv.encode(text, encoding).equals(body)) {
    throw new DecodeError(`not valid ${declared ?? encoding}`);
  }
  return { text, encoding, bom };
}

/** Printable ASCII and the whitespace of source code: what the coding declaration itself is written in. */
const ASCII_PROBE = `\t\n\f\r${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("")}`;
const asciiCompatible = new Map<string, boolean>();

/**
 * Whether a codec writes ASCII as ASCII. Python refuses the others in a coding declaration
 * (`SyntaxError: encoding problem: utf-16`): the declaration could not have been read in them.
 */
function isAsciiCompatible(encoding: string): boolean {
  let ok = asciiCompatible.get(encoding);
  if (ok === undefined) {
    ok = iconv.encode(ASCII_PROBE, encoding).equals(Buffer.from(ASCII_PROBE, "latin1"));
    asciiCompatible.set(encoding, ok);
  }
  return ok;
}

export function encodeSource(source: SourceText, text: string): Buffer {
  const body = source.encoding === "utf8" ? Buffer.from(text, "utf8") : iconv.encode(text, source.encoding);
  return source.bom ? Buffer.concat([UTF8_BOM, body]) : body;
}

/** True when `text` can be written in the file's encoding without loss. */
export function canEncode(source: SourceText, text: string): boolean {
  if (source.encoding === "utf8") return true;
  return iconv.decode(iconv.encode(text, source.encoding), source.encoding) === text;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}
