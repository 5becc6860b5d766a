import fs from "node:fs";
import os from "node:os";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { splitCodes } from "./config/selection.js";
import { ruleMarkdown, rulesJson, rulesTable } from "./docs.js";
import { parserBackend } from "./engine/parser.js";
import { VERSION } from "./meta.js";
import type { OutputFormat } from "./report/types.js";
import { RULES } from "./rules/index.js";
import { run } from "./run.js";
import { runReportCommand } from "./suite-report/command.js";

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

function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d+$/.test(value.trim())) fail(`--jobs takes a whole number (0 for one per CPU), not '${value}'`);
  const n = Number(value);
  return n === 0 ? os.availableParallelism() : n;
}

/** The version, then which parser backend loaded (and why the native one did not, if so). */
function versionText(): string {
  const backend = parserBackend();
  if (backend.name === "native") return `${VERSION}\nparser: tree-sitter native binding`;
  return `${VERSION}\nparser: tree-sitter WebAssembly (web-tree-sitter)${backend.fallbackReason ? `; native binding not used: ${backend.fallbackReason}` : ""}`;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName("pytest-memlint")
    // `--no-config` and `--no-cache` are flags of their own, not negations of `--config`/`--cache`.
    .parserConfiguration({ "boolean-negation": false })
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
          .option("format", { alias: "output-format", choices: FORMATS, default: "text", describe: "Output format (--output-format: the same, as ruff spells it)" } as const)
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
          .option("jobs", { alias: "j", type: "string", describe: "Check files on N worker threads (0: one per CPU; default 1)" })
          .option("no-cache", { type: "boolean", default: false, describe: "Accepted for compatibility: pytest-memlint keeps no cache, every run reads every file" }),
      async (args) => {
        if (args.fix && args.diff) fail("--fix and --diff cannot be used together");
        const stdin = args.stdinFilename !== undefined ? fs.readFileSync(0) : undefined;
        const jobs = parseJobs(args.jobs);
        exitCode = await run(
          {
            paths: args.paths.map(String),
            cwd: process.cwd(),
            fix: args.fix,
            unsafeFixes: args.unsafeFixes,
            diff: args.diff,
            select: splitCodes(args.select),
            ignore: splitCodes(args.ignore),
            extendSelect: splitCodes(args.extendSelect),
            format: args.format,
            outputFile: args.outputFile,
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
          },
          {
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
            isTTY: process.stdout.isTTY === true,
          },
        );
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
        const io = { stdout: (t: string | Buffer) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t), isTTY: process.stdout.isTTY === true };
        exitCode = await runReportCommand({ paths: args.paths.map(String), cwd: process.cwd(), format: args.format, html: args.html, markdown: args.markdown, config: args.config, noConfig: args.noConfig }, io);
      },
    )
    .command(
      "rules [code]",
      "List the rules, or show one rule's documentation",
      (y) => y.positional("code", { type: "string" }).option("format", { alias: "output-format", choices: ["text", "json"] as const, default: "text" as const, describe: "Output format" }),
      (args) => {
        const rules = args.code === undefined ? RULES : RULES.filter((r) => r.meta.code === args.code?.toUpperCase() || r.meta.name === args.code);
        if (rules.length === 0) fail(`unknown rule '${args.code}' (see 'pytest-memlint rules')`);
        if (args.format === "json") {
          process.stdout.write(rulesJson(rules));
          return;
        }
        if (args.code === undefined) {
          process.stdout.write(rulesTable());
          return;
        }
        const code = args.code.toUpperCase();
        const rule = RULES.find((r) => r.meta.code === code || r.meta.name === args.code);
        if (!rule) fail(`unknown rule '${args.code}' (see 'pytest-memlint rules')`);
        process.stdout.write(ruleMarkdown(rule));
      },
    )
    .command(
      "server",
      "Run the language server (LSP) over standard input and output",
      (y) => y.option("stdio", { type: "boolean", describe: "Accepted for LSP clients: stdio is the transport" }),
      async () => (await import("./server/index.js")).runServer(),
    )
    .strictOptions()
    .version(versionText())
    .help()
    .fail((msg, err) => {
      if (err) throw err;
      fail(oneLine(msg));
    })
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const err = e as Error;
    process.stderr.write(`error: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env["PYTEST_MEMLINT_DEBUG"]) process.stderr.write(`${err?.stack ?? ""}\n`);
    process.exitCode = 2;
  },
);
