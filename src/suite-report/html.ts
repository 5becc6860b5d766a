import { formatBytes } from "./estimate.js";
import { bytesText } from "./markdown.js";
import type { FindingRef, SuiteReport } from "./types.js";

/**
 * The report as one self-contained HTML file: inline CSS, a small inline script for sorting and
 * filtering, an inline SVG chart. A Content-Security-Policy forbids every fetch, so opening it never
 * touches the network; the only links are to the rule documentation, followed when clicked.
 */

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const n = (v: number) => v.toLocaleString("en-US");

/** Fixture rows in the HTML (the largest estimates first); the JSON lists every fixture. Keeps the file a few MB on the largest suites. */
const MAX_HTML_FIXTURES = 1000;

interface Column {
  label: string;
  numeric?: boolean;
  /** A short explanation shown on hover. */
  title?: string;
  /** Prose: kept wide enough to read instead of wrapping word by word. */
  prose?: boolean;
  /** A path: may break anywhere. */
  path?: boolean;
}

/** A cell: shown HTML and the value it sorts by. */
type Cell = { html: string; sort: string | number };

/** A plain text cell sorts by its own text (no attribute needed). */
function text(value: string): Cell {
  return { html: esc(value), sort: "" };
}

function num(value: number): Cell {
  return { html: n(value), sort: value };
}

function bytesCell(bytes: number | null, lowerBound: boolean, how?: string): Cell {
  const shown = esc(bytesText(bytes, lowerBound));
  const title = how ? ` title="${esc(`Estimate: ${how}`)}"` : "";
  return { html: bytes === null ? `<span class="muted">unknown</span>` : `<span class="est"${title}>${shown}</span>`, sort: bytes ?? -1 };
}

function findingLinks(findings: FindingRef[]): Cell {
  if (findings.length === 0) return { html: "", sort: "" };
  return {
    html: findings.map((f) => `<a class="rule" href="${esc(f.url)}" title="${esc(`line ${f.line}: ${f.message}`)}">${esc(f.code)}</a>`).join(" "),
    sort: findings.map((f) => f.code).join(" "),
  };
}

function table(id: string, caption: string, columns: Column[], rows: Cell[][], placeholder: string, minWidth = 0, compact = false): string {
  const head = columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num" data-type="num"' : ""}${c.title ? ` title="${esc(c.title)}"` : ""}><button type="button">${esc(c.label)}<span class="arrow" aria-hidden="true"></span></button></th>`)
    .join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${columns[i]?.numeric ? ' class="num"' : columns[i]?.prose ? ' class="prose"' : columns[i]?.path ? ' class="path"' : ""}${c.sort === "" ? "" : ` data-v="${esc(String(c.sort))}"`}>${c.html}</td>`).join("")}</tr>`)
    .join("\n");
  return `<section aria-labelledby="${id}-h">
<h2 id="${id}-h">${esc(caption)}</h2>
<div class="tools"><label>Filter <input type="search" data-filter="${id}" placeholder="${esc(placeholder)}" autocomplete="off"></label> <span class="count" data-count="${id}">${n(rows.length)} row${rows.length === 1 ? "" : "s"}</span></div>
<div class="scroll${compact ? " compact" : ""}"><table id="${id}" class="sortable"${minWidth > 0 ? ` style="min-width:${minWidth}px"` : ""}><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>
</section>`;
}

/** One bar per folder: label above its bar, widths in percent so the text stays readable on a phone. */
function chart(report: SuiteReport): string {
  // Largest first: on a suite with many folders the ones that matter lead.
  const folders = [...report.folders].sort((a, b) => b.estimatedBytes - a.estimatedBytes || a.path.localeCompare(b.path));
  const max = Math.max(1, ...folders.map((f) => f.estimatedBytes));
  const rowHeight = 38;
  const height = Math.max(1, folders.length) * rowHeight + 4;
  const bars = folders
    .map((f, i) => {
      const y = i * rowHeight;
      const pct = f.estimatedBytes > 0 ? Math.max(0.5, (f.estimatedBytes / max) * 100) : 0;
      const value = f.estimatedBytes > 0 ? `${f.estimatedBytesLowerBound ? "≥" : "≈"} ${formatBytes(f.estimatedBytes)}` : "0 B";
      return `<g class="bar" data-folder="${esc(f.path)}"><title>${esc(`${f.path}: ${value} (estimate)`)}</title><text x="0" y="${y + 13}" class="label">${esc(f.path)} <tspan class="value">${esc(value)}</tspan></text><rect x="0" y="${y + 18}" width="${pct.toFixed(2)}%" height="14" rx="2"></rect></g>`;
    })
    .join("\n");
  return `<section aria-labelledby="chart-h">
<h2 id="chart-h">Estimated memory by folder</h2>
<p class="note">Bytes × times built of the fixtures each folder defines, plus the large data its tests build (estimates), largest first.</p>
<svg class="chart" role="img" aria-label="Estimated memory by folder" width="100%" height="${height}">
${bars}
</svg>
</section>`;
}

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--head:#f6f8fa;--bar:#0969da;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:16px}
h1{font-size:1.6em;margin:.2em 0}
h2{font-size:1.25em;margin:1.6em 0 .4em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
.muted,.note{color:var(--muted)}
.note{font-size:.9em;margin:.2em 0 .6em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:var(--head)}
.card b{display:block;font-size:1.3em}
.card span{color:var(--muted);font-size:.85em}
.config{border-left:4px solid var(--warn);padding:4px 12px;margin:8px 0;background:#fff8c5}
.config ul{margin:.3em 0;padding-left:1.2em}
.tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0}
.tools input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:min(320px,70vw)}
.count{color:var(--muted);font-size:.9em}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:6px}
.scroll.compact{max-width:640px}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td{overflow-wrap:break-word}
td.prose{min-width:15em}
td.path{overflow-wrap:anywhere;min-width:9em}
.kind{color:var(--muted);font-size:.85em}
td.num,th.num{text-align:right;white-space:nowrap}
thead th{background:var(--head);position:sticky;top:0;white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600}
th button:focus-visible{outline:2px solid var(--bar)}
th[aria-sort=ascending] .arrow::after{content:" ▲"}
th[aria-sort=descending] .arrow::after{content:" ▼"}
tbody tr:hover{background:#f6f8fa}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace}
a.rule{font:600 .85em ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--bar)}
.est{border-bottom:1px dotted var(--muted);cursor:help;white-space:nowrap}
.chart{display:block;overflow:visible}
.chart rect{fill:var(--bar)}
.chart .label{font-size:13px;fill:var(--fg)}
.chart .value{fill:var(--muted)}
details.note summary{cursor:pointer}
details.note p{margin:.4em 0}
footer{margin:2em 0 1em;color:var(--muted);font-size:.85em}
@media (max-width:600px){body{font-size:14px}main{padding:10px}th,td{padding:4px 6px}h1{font-size:1.3em}}
`;

const SCRIPT = `
(function(){
  function cmp(a,b,numeric){return numeric?(Number(a)-Number(b)):(a<b?-1:a>b?1:0)}
  function key(cell){var v=cell.getAttribute("data-v");return v===null?(cell.textContent||"").toLowerCase():v}
  document.querySelectorAll("table.sortable").forEach(function(table){
    var heads=table.querySelectorAll("thead th");
    heads.forEach(function(th,index){
      th.querySelector("button").addEventListener("click",function(){
        var numeric=th.getAttribute("data-type")==="num";
        var current=th.getAttribute("aria-sort");
        var dir=current?(current==="ascending"?-1:1):(numeric?-1:1);
        heads.forEach(function(h){h.removeAttribute("aria-sort")});
        th.setAttribute("aria-sort",dir===1?"ascending":"descending");
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(r1,r2){return dir*cmp(key(r1.cells[index]),key(r2.cells[index]),numeric)});
        rows.forEach(function(r){body.appendChild(r)});
      });
    });
  });
  document.querySelectorAll("input[data-filter]").forEach(function(input){
    var id=input.getAttribute("data-filter");
    var table=document.getElementById(id);
    var count=document.querySelector('[data-count="'+id+'"]');
    input.addEventListener("input",function(){
      var words=input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      var shown=0;
      Array.prototype.forEach.call(table.tBodies[0].rows,function(row){
        var t=row.textContent.toLowerCase();
        var ok=words.every(function(w){return t.indexOf(w)!==-1});
        row.hidden=!ok;
        if(ok)shown++;
      });
      var total=table.tBodies[0].rows.length;count.textContent=(words.length?shown+" of "+total:shown)+(total===1?" row":" rows");
    });
  });
})();
`;

export function htmlReport(report: SuiteReport): string {
  const s = report.summary;
  const cards = [
    [n(s.testFiles), "test files"],
    [n(s.tests), "tests"],
    [n(s.testClasses), "test classes"],
    [n(s.fixtures), "fixtures"],
    [n(s.findings), "findings"],
    [bytesText(s.estimatedBytes, s.estimatedBytesLowerBound), "built in one run (estimate)"],
  ]
    .map(([v, l]) => `<div class="card"><b>${esc(v ?? "")}</b><span>${esc(l ?? "")}</span></div>`)
    .join("");
  const configs =
    report.configurations.length === 0
      ? `<p class="muted">No pytest configuration file applies: pytest runs without xdist options.</p>`
      : report.configurations
          .map(
            (c) =>
              `<div class="config"><b>${esc(c.path)}</b>: workers <code>${esc(c.workers ?? "none")}</code>${c.maxprocesses !== null ? `, <code>--maxprocesses ${c.maxprocesses}</code>` : ""}, <code>--dist ${esc(c.dist)}</code><ul>${c.implications.map((i) => `<li>${esc(i)}</li>`).join("")}</ul></div>`,
          )
          .join("\n");
  const risks = table(
    "risks",
    "Top risks",
    [{ label: "#", numeric: true }, { label: "What" }, { label: "Where", path: true }, { label: "Scope" }, { label: "Built once", numeric: true }, { label: "Times built", numeric: true }, { label: "Total", numeric: true, title: "Built once × times built" }, { label: "Addressed by" }, { label: "What to do", prose: true }],
    report.risks.map((r, i) => [
      num(i + 1),
      { html: `<span class="kind">${esc(r.kind)}</span> <code>${esc(r.name)}</code>`, sort: r.name.toLowerCase() },
      text(`${r.path}:${r.line}`),
      text(r.kind === "fixture" ? (r.scope ?? "?") : ""),
      bytesCell(r.bytes, r.lowerBound),
      num(r.timesBuilt),
      bytesCell(r.totalBytes, r.lowerBound),
      findingLinks(r.addressedBy ? [r.addressedBy] : []),
      text(r.advice),
    ]),
    "fixture, path, rule…",
    860,
  );
  const folders = table(
    "folders",
    "Folders",
    [
      { label: "Folder" },
      { label: "Test files", numeric: true },
      { label: "Tests", numeric: true },
      { label: "Test classes", numeric: true },
      { label: "Mock-using", numeric: true, title: "Test classes whose body creates or patches a mock" },
      { label: "xdist_group", numeric: true, title: "Test classes with an xdist_group mark" },
      { label: "gc teardown", numeric: true, title: "Test classes whose teardown calls gc.collect()" },
      { label: "Fixtures", numeric: true },
      { label: "Estimated memory", numeric: true },
    ],
    report.folders.map((f) => [text(f.path), num(f.testFiles), num(f.tests), num(f.testClasses), num(f.mockUsingClasses), num(f.xdistGroupClasses), num(f.gcTeardownClasses), num(f.fixtures), bytesCell(f.estimatedBytes, f.estimatedBytesLowerBound)]),
    "folder…",
    720,
  );
  const fixtures = table(
    "fixtures",
    "Fixtures",
    [
      { label: "Fixture" },
      { label: "Where", path: true },
      { label: "Scope" },
      { label: "Autouse" },
      { label: "Params", numeric: true },
      { label: "Direct tests", numeric: true, title: "Tests requesting it by argument, usefixtures or autouse" },
      { label: "Direct fixtures", numeric: true, title: "Fixtures requesting it" },
      { label: "Tests in reach", numeric: true, title: "Tests that get it directly or through other fixtures" },
      { label: "Built once", numeric: true },
      { label: "Times built", numeric: true },
      { label: "Total", numeric: true },
      { label: "Cleanup" },
      { label: "Findings" },
    ],
    report.fixtures.slice(0, MAX_HTML_FIXTURES).map((f) => [
      { html: `<code>${esc(f.name)}</code>`, sort: f.name.toLowerCase() },
      text(`${f.path}:${f.line}`),
      text(f.scope ?? "?"),
      text(f.autouse ? "yes" : ""),
      f.params === null ? { html: "?", sort: -1 } : f.params === 0 ? { html: "", sort: 0 } : num(f.params),
      num(f.users.directTests),
      num(f.users.directFixtures),
      num(f.users.transitiveTests),
      bytesCell(f.built.bytes, f.built.lowerBound, f.built.how.join("; ") || undefined),
      { html: `<span title="${esc(f.timesBuiltHow)}">${n(f.timesBuilt)}</span>`, sort: f.timesBuilt },
      bytesCell(f.totalBytes, f.built.lowerBound),
      text(f.cleanup ? "yes" : "no"),
      findingLinks(f.findings),
    ]),
    "name, path, scope, MEM301…",
    1100,
  );
  const findings =
    report.findingCounts.length === 0
      ? ""
      : table(
          "findings",
          "Findings by rule",
          [{ label: "Rule" }, { label: "Name" }, { label: "Count", numeric: true }],
          report.findingCounts.map((c) => [{ html: `<a class="rule" href="${esc(c.url)}">${esc(c.code)}</a>`, sort: c.code }, text(c.name), num(c.count)]),
          "rule…",
          0,
          true,
        );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Suite memory report</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Suite memory report</h1>
<p class="muted">Paths: ${report.paths.map((p) => `<code>${esc(p)}</code>`).join(", ")} · ${esc(report.tool.name)} ${esc(report.tool.version)}</p>
<div class="cards">${cards}</div>
<details class="note"><summary>Every size is an estimate from the code (≈), or a lower bound (≥): how they are made</summary><p>${esc(report.estimateNote)}</p></details>
<section aria-labelledby="config-h"><h2 id="config-h">Workers and distribution</h2>
${configs}
</section>
${risks}
${chart(report)}
${folders}
${fixtures}
${report.fixtures.length > MAX_HTML_FIXTURES ? `<p class="note">${n(report.fixtures.length - MAX_HTML_FIXTURES)} more fixtures with smaller estimates are in the JSON report (<code>--format json</code>).</p>` : ""}
${findings}
<footer>Generated by ${esc(report.tool.name)} ${esc(report.tool.version)} from the code alone; nothing was run.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
