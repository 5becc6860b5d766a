import fs from "node:fs";
import os from "node:os";
import { splitCodes } from "./config/selection.js";
import { VERSION } from "./meta.js";
import type { OutputFormat } from "./report/types.js";
import { installSignalHandlers } from "./fix/interrupt.js";
import { guardStdout, stdoutExitCode, writeStdout } from "./cli/stdout.js";

const FORMATS: readonly OutputFormat[] = ["text", "json", "sarif", "github", "junit", "gitlab"];

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/**
 * yargs' message on one line: an invalid choice lists the valid ones on the lines after the first
 * ("Invalid values:\n  Argument: format, Given: ..., Choices: ...").
 */
function oneLine(msg: string): string {
  const text = msg.split("\n").map((l) => l.trim()).filter((l) => l !== "").join(" ");
  return text === "" ? "invalid arguments" : text;
}

/** `--jobs`: undefined when not given (one thread per CPU for large runs, see planJobs). */
function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) fail(`--jobs takes a whole number (0 for one per CPU), not '${value}'`);
  const n = Number(value);
  const cpus = os.availableParallelism();
  if (n === 0) return cpus;
  // More threads than CPUs only costs memory (each holds a parser and the suite's caches).
  if (n > cpus) process.stderr.write(`note: --jobs ${n} lowered to ${cpus}, the number of CPUs\n`);
  return Math.min(n, cpus);
}

/**
 * `--format` values: FORMAT, or FORMAT:FILE (as pylint spells several outputs), repeated or comma-separated.
 * The one without a file goes to standard output (or --output-file); text when every one names a file.
 */
function parseFormats(value: string | string[] | undefined): { format: OutputFormat; extraOutputs: { format: OutputFormat; file: string }[] } {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => String(v).split(","));
  let primary: OutputFormat | undefined;
  const extraOutputs: { format: OutputFormat; file: string }[] = [];
  for (const item of items) {
    const colon = item.indexOf(":");
    const name = (colon < 0 ? item : item.slice(0, colon)).trim();
    if (!(FORMATS as readonly string[]).includes(name)) fail(`invalid --format value "${name}": choose from ${FORMATS.map((f) => `"${f}"`).join(", ")} (FORMAT:FILE writes to FILE)`);
    const format = name as OutputFormat;
    if (colon < 0) {
      if (primary !== undefined) fail(`--format ${primary} and --format ${format} both write to standard output: give one of them a file (FORMAT:FILE)`);
      primary = format;
      continue;
    }
    const file = item.slice(colon + 1);
    if (file === "") fail(`--format ${item}: no file after the colon`);
    extraOutputs.push({ format, file });
  }
  return { format: primary ?? "text", extraOutputs };
}

/** The version, then which parser backend loaded (and why the native one did not, if so). */
async function versionText(): Promise<string> {
  const { parserBackend } = await import("./engine/parser.js");
  const backend = await parserBackend();
  if (backend.name === "native") return `${VERSION}\nparser: tree-sitter native binding`;
  return `${VERSION}\nparser: tree-sitter WebAssembly (web-tree-sitter)${backend.fallbackReason ? `; native binding not used: ${backend.fallbackReason}` : ""}`;
}

/** What `check` reads of its command line (yargs' parse of it, or the plain form's defaults). */
interface CheckArgs {
  paths: string[];
  "--"?: unknown[] | undefined;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  select?: string | undefined;
  ignore?: string | undefined;
  extendSelect?: string | undefined;
  format?: string | string[] | undefined;
  outputFile?: string | undefined;
  exitZero: boolean;
  config?: string | undefined;
  noConfig: boolean;
  xdistGroupName?: string | undefined;
  quiet: boolean;
  color: "auto" | "always" | "never";
  stdinFilename?: string | undefined;
  statistics: boolean;
  baseline?: string | undefined;
  writeBaseline?: string | undefined;
  forceExclude: boolean;
  jobs?: string | undefined;
  noCache: boolean;
}

const COMMANDS = ["check", "report", "rules", "server"];

/** The switches the plain form takes (pre-commit passes some of them), with the `check` argument each sets. */
const PLAIN_SWITCHES: Record<string, "fix" | "unsafeFixes" | "diff" | "exitZero" | "noConfig" | "quiet" | "statistics" | "forceExclude" | "noCache"> = {
  "--fix": "fix",
  "--unsafe-fixes": "unsafeFixes",
  "--diff": "diff",
  "--exit-zero": "exitZero",
  "--no-config": "noConfig",
  "--quiet": "quiet",
  "-q": "quiet",
  "--statistics": "statistics",
  "--force-exclude": "forceExclude",
  "--no-cache": "noCache",
};

/**
 * The plain `pytest-memlint [check] [SWITCH ...] [PATH ...]` (pre-commit and editors run it on a few
 * files): paths, switches that take no value and `--format NAME`, each once, so yargs (the largest part of the CLI to
 * load) is not needed; every other option has its default, as yargs gives it. Undefined for anything
 * else, which yargs parses.
 */
function plainCheckArgs(argv: readonly string[]): CheckArgs | undefined {
  const args: CheckArgs = { paths: [], fix: false, unsafeFixes: false, diff: false, exitZero: false, noConfig: false, quiet: false, color: "auto", statistics: false, forceExclude: false, noCache: false };
  // Only the first word names the command (after a switch, `check` is a path).
  if (argv[0] !== "check" && COMMANDS.includes(argv[0] ?? "")) return undefined;
  const words = argv[0] === "check" ? argv.slice(1) : [...argv];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // `--format NAME` (or `=NAME`) with one of the format names, once (scripts and CI name a format).
    const format = word === "--format" ? words[++i] : word.startsWith("--format=") ? word.slice("--format=".length) : undefined;
    if (format !== undefined) {
      if (args.format !== undefined || !(FORMATS as readonly string[]).includes(format)) return undefined;
      args.format = format;
      continue;
    }
    const key = Object.hasOwn(PLAIN_SWITCHES, word) ? PLAIN_SWITCHES[word] : undefined;
    if (key !== undefined) {
      if (args[key]) return undefined;
      args[key] = true;
      continue;
    }
    // Any other option, `--`, `-`, an empty word, `help` (yargs' help command): yargs' business. So is a word it could read as a number.
    if (word === "" || word === "help" || word.startsWith("-") || /^[-+]?(?:0x[0-9a-f]+|\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(word)) return undefined;
    args.paths.push(word);
  }
  return args;
}

async function check(args: CheckArgs): Promise<number> {
  if (args.fix && args.diff) fail("--fix and --diff cannot be used together");
  const stdin = args.stdinFilename !== undefined ? fs.readFileSync(0) : undefined;
  const jobs = parseJobs(args.jobs);
  const formats = parseFormats(args.format);
  // Loaded here, not at the top: `--help`, `--version` and `rules` never need the linter.
  const { run } = await import("./run.js");
  return run(
    {
      paths: [...args.paths, ...(args["--"] ?? [])].map(String),
      cwd: process.cwd(),
      fix: args.fix,
      unsafeFixes: args.unsafeFixes,
      diff: args.diff,
      select: splitCodes(args.select),
      ignore: splitCodes(args.ignore),
      extendSelect: splitCodes(args.extendSelect),
      format: formats.format,
      outputFile: args.outputFile,
      extraOutputs: formats.extraOutputs,
      exitZero: args.exitZero,
      config: args.config,
      noConfig: args.noConfig,
      xdistGroupName: args.xdistGroupName,
      quiet: args.quiet,
      color: args.color,
      stdinFilename: args.stdinFilename,
      stdin,
      statistics: args.statistics,
      baseline: args.baseline,
      writeBaseline: args.writeBaseline,
      forceExclude: args.forceExclude,
      jobs,
      noCache: args.noCache,
    },
    {
      stdout: writeStdout,
      stderr: (t) => process.stderr.write(t),
      isTTY: process.stdout.isTTY === true,
      progress: process.stderr,
    },
  );
}

async function main(argv: string[]): Promise<number> {
  // `--version` loads the parser to name it, which yargs' synchronous version option cannot wait for.
  const beforeDashes = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (beforeDashes.includes("--version")) {
    try {
      writeStdout(`${await versionText()}\n`);
    } catch (e) {
      fail((e as Error).message);
    }
    return 0;
  }
  const plain = plainCheckArgs(argv);
  if (plain) return check(plain);
  let exitCode = 0;
  const { default: yargs } = await import("yargs");
  await yargs(argv)
    .scriptName("pytest-memlint")
    // `--no-config` and `--no-cache` are flags of their own, not negations of `--config`/`--cache`.
    // Paths after `--` are kept in `args["--"]` (and added to the positional paths below).
    .parserConfiguration({ "boolean-negation": false, "populate--": true })
    .usage("$0 [check] [PATH ...]\n$0 rules [CODE]\n$0 report [PATH ...]")
    .command(
      ["check [paths..]", "$0 [paths..]"],
      "Check pytest suites for patterns that get xdist workers OOM-killed",
      (y) =>
        y
          .positional("paths", { type: "string", array: true, default: [] as string[], describe: "Files or folders (default: .)" })
          .option("fix", { type: "boolean", default: false, describe: "Apply safe fixes" })
          .option("unsafe-fixes", { type: "boolean", default: false, describe: "Allow unsafe fixes too" })
          .option("diff", { type: "boolean", default: false, describe: "Print fixes as a unified diff; write nothing" })
          .option("select", { type: "string", describe: "Codes or prefixes to enable (replaces the selection): MEM2,MEM301 or ALL" })
          .option("ignore", { type: "string", describe: "Codes or prefixes to disable" })
          .option("extend-select", { type: "string", describe: "Codes or prefixes to enable in addition" })
          .option("format", { alias: "output-format", type: "string", describe: `Output format: ${FORMATS.join(", ")}; FORMAT:FILE writes it to FILE as well (repeat the flag or separate with commas)` })
          .option("output-file", { type: "string", describe: "Write the report to a file" })
          .option("exit-zero", { type: "boolean", default: false, describe: "Exit 0 even when findings remain" })
          .option("config", { type: "string", describe: "Configuration file to use" })
          .option("no-config", { type: "boolean", default: false, describe: "Use no configuration file" })
          .option("xdist-group-name", { type: "string", describe: "Group name template for MEM102's fix ({stem}, {class})" })
          .option("quiet", { alias: "q", type: "boolean", default: false, describe: "Print findings only, no summary" })
          .option("color", { choices: ["auto", "always", "never"] as const, default: "auto" as const, describe: "Colour the text output" })
          .option("stdin-filename", { type: "string", describe: "Read the source from standard input, reported under this name" })
          .option("statistics", { type: "boolean", default: false, describe: "Show counts per rule and the files with the most findings instead of the findings" })
          .option("baseline", { type: "string", describe: "Report only findings not recorded in this baseline file" })
          .option("write-baseline", { type: "string", describe: "Record the findings that remain in this baseline file" })
          .option("force-exclude", { type: "boolean", default: false, describe: "Apply `exclude` to files named on the command line too (for pre-commit)" })
          .option("jobs", { alias: "j", type: "string", describe: "Check files on N worker threads (0: one per CPU; default: one per CPU for 100 files or more to check, else 1)" })
          .option("no-cache", { type: "boolean", default: false, describe: "Neither read nor write the result cache (.pytest-memlint_cache)" }),
      async (args) => {
        exitCode = await check({ ...args, "--": args["--"] as unknown[] | undefined });
      },
    )
    .command(
      "report [paths..]",
      "Suite memory report: fixtures, folders, top risks, xdist setup (estimates from the code)",
      (y) =>
        y
          .positional("paths", { type: "string", array: true, default: [] as string[], describe: "Files or folders (default: .)" })
          .option("html", { type: "string", describe: "Write a self-contained HTML report to FILE" })
          .option("markdown", { type: "string", describe: "Write a Markdown report to FILE" })
          .option("format", { choices: ["text", "json"] as const, default: "text" as const, describe: "Standard output: the summary (text) or the whole report (json)" })
          .option("config", { type: "string", describe: "Configuration file to use" })
          .option("no-config", { type: "boolean", default: false, describe: "Use no configuration file" }),
      async (args) => {
        const io = { stdout: writeStdout, stderr: (t: string) => process.stderr.write(t), isTTY: process.stdout.isTTY === true };
        const { runReportCommand } = await import("./suite-report/command.js");
        exitCode = await runReportCommand({ paths: args.paths.map(String), cwd: process.cwd(), format: args.format, html: args.html, markdown: args.markdown, config: args.config, noConfig: args.noConfig }, io);
      },
    )
    .command(
      "rules [code]",
      "List the rules, or show one rule's documentation",
      (y) => y.positional("code", { type: "string" }).option("format", { alias: "output-format", choices: ["text", "json"] as const, default: "text" as const, describe: "Output format" }),
      async (args) => {
        const { ruleMarkdown, rulesJson, rulesTable } = await import("./docs.js");
        const { RULES } = await import("./rules/index.js");
        const rules = args.code === undefined ? RULES : RULES.filter((r) => r.meta.code === args.code?.toUpperCase() || r.meta.name === args.code);
        if (rules.length === 0) fail(`unknown rule '${args.code}' (see 'pytest-memlint rules')`);
        if (args.format === "json") {
          writeStdout(rulesJson(rules));
          return;
        }
        if (args.code === undefined) {
          writeStdout(rulesTable());
          return;
        }
        const code = args.code.toUpperCase();
        const rule = RULES.find((r) => r.meta.code === code || r.meta.name === args.code);
        if (!rule) fail(`unknown rule '${args.code}' (see 'pytest-memlint rules')`);
        writeStdout(ruleMarkdown(rule));
      },
    )
    .command(
      "server",
      "Run the language server (LSP) over standard input and output",
      (y) => y.option("stdio", { type: "boolean", describe: "Accepted for LSP clients: stdio is the transport" }),
      async () => (await import("./server/index.js")).runServer(),
    )
    .strictOptions()
    .version(false)
    .option("version", { type: "boolean", describe: "Show the version and the parser in use" })
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      fail(oneLine(msg));
    })
    .parseAsync();
  return exitCode;
}

guardStdout();
installSignalHandlers();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = stdoutExitCode(code);
  },
  (e: unknown) => {
    const err = e as Error;
    // The parser could not load (engine/parser.ts): a problem of the installation, not a bug.
    if (err?.name === "ParserLoadError") {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`error: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env["PYTEST_MEMLINT_DEBUG"]) process.stderr.write(`${err?.stack ?? ""}\n`);
    process.exitCode = 2;
  },
);
