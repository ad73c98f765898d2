#!/usr/bin/env node
/**
 * Rewrites citations of the research documents that are not in this repository (`smartapi-rest.md §8`,
 * `spec §12.6`, `seed-004 …`, …) into citations of `docs/protocol/*.md` anchors, following
 * `docs/protocol/citations.tsv`. Idempotent: a second run changes nothing.
 *
 *   node scripts/rewrite-citations.mjs          rewrite in place and print every change
 *   node scripts/rewrite-citations.mjs --dry    print the changes, write nothing
 *   node scripts/rewrite-citations.mjs --check  write nothing; exit 1 if a change is pending, an old
 *                                               citation remains, or a mapped anchor does not exist
 *   node scripts/rewrite-citations.mjs --stdin <path>
 *                                               rewrite stdin as if it were the file <path>; print the result
 *
 * Citations are found by pattern, never by line number, so the script can be re-run after other
 * branches are merged. Files: every tracked or untracked-but-not-ignored `.ts/.js/.mjs/.cjs/.md/.json`
 * file, except `docs/protocol/` itself, this script, and anything under `node_modules` or `dist`.
 * Markdown outside `fixtures/` gets relative links; everything else gets plain `docs/protocol/…` paths.
 * A file that contains the text `rewrite-citations: ignore-file` is skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSV = 'docs/protocol/citations.tsv';
const SELF = 'scripts/rewrite-citations.mjs';
/** A file containing this text is left alone (the script's own test cites old forms on purpose). */
const IGNORE_MARK = ['rewrite-citations', 'ignore-file'].join(': ');
const EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|md|json)$/;

const argv = process.argv.slice(2);
const stdinAt = argv.indexOf('--stdin');
const STDIN_PATH = stdinAt >= 0 ? argv.splice(stdinAt, 2)[1] : undefined;
if (stdinAt >= 0 && !STDIN_PATH) {
  console.error('--stdin needs the repository path the text stands for');
  process.exit(2);
}
const args = new Set(argv);
const DRY = args.has('--dry') || args.has('--check');
const CHECK = args.has('--check');
for (const a of args) {
  if (!['--dry', '--check'].includes(a)) {
    console.error(`unknown argument ${a}; use --dry, --check or --stdin <path>`);
    process.exit(2);
  }
}

// ───────────────────────────── the mapping ─────────────────────────────

/** old document → (section → new target), old document → new file, alias → old document, phrases. */
const sections = new Map();
const docFiles = new Map();
const aliases = new Map();
const phrases = [];

for (const [i, line] of readFileSync(path.join(ROOT, TSV), 'utf8').split('\n').entries()) {
  if (line.trim() === '' || line.startsWith('#')) continue;
  const [kind, oldText, newText, ...rest] = line.split('\t');
  if (!kind || !oldText || !newText || rest.length > 0)
    throw new Error(`${TSV}:${i + 1}: expected 3 columns`);
  if (kind === 'section') {
    const m = /^(\S+) §(\d+(?:\.\d+)?)$/.exec(oldText);
    if (!m) throw new Error(`${TSV}:${i + 1}: section must read "<doc> §<n>"`);
    if (!sections.has(m[1])) sections.set(m[1], new Map());
    sections.get(m[1]).set(m[2], newText);
  } else if (kind === 'doc') docFiles.set(oldText, newText);
  else if (kind === 'alias') aliases.set(oldText, newText);
  else if (kind === 'phrase') phrases.push([oldText, newText]);
  else throw new Error(`${TSV}:${i + 1}: unknown kind ${kind}`);
}
phrases.sort((a, b) => b[0].length - a[0].length);

const REST = 'smartapi-rest.md';
const WS = 'smartapi-websocket.md';
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ───────────────────────────── patterns ─────────────────────────────

const SEC = String.raw`§\d+(?:\.\d+)?(?:\s*[–-]\s*§?\d+(?:\.\d+)?)?`;
const SECLIST = String.raw`${SEC}(?:\s*(?:,|\/|\band\b)\s*${SEC})*`;
const DOC_NAMES = [...docFiles.keys()].map(esc).join('|');
const ALIAS_NAMES = [...aliases.keys()].map((a) => `${esc(a)}(?=\\s+§)`).join('|');
/**
 * One citation group: an optional `spec ` / `spec/` prefix, an optional backtick, a document name that
 * is not part of a path or link label, and an optional section list; or a bare section list with an
 * optional `spec ` prefix.
 */
const CITATION = new RegExp(
  String.raw`(?<bt1>\`)?(?:(?<prefix>\b[Ss]pec(?:\s+|\/))|(?<![\w/.\-\[#]))(?<bt2>\`)?(?<doc>${DOC_NAMES}|${ALIAS_NAMES})(?<bt3>\`)?(?:\s+(?<secs>${SECLIST}))?` +
    String.raw`|(?<bprefix>\b[Ss]pec\s+)?(?<![\w§.])(?<bsecs>${SECLIST})`,
  'g',
);

/** Expands `§12.9–§12.11, §12.21` into ['12.9', '12.10', '12.11', '12.21']. */
function expandSections(list) {
  const out = [];
  for (const part of list.split(/\s*(?:,|\/|\band\b)\s*/)) {
    const m = /^§(\d+)(?:\.(\d+))?(?:\s*[–-]\s*§?(\d+)(?:\.(\d+))?)?$/.exec(part.trim());
    if (!m) return undefined;
    const [, aMaj, aMin, bA, bB] = m;
    if (bA === undefined) {
      out.push(aMin === undefined ? aMaj : `${aMaj}.${aMin}`);
    } else if (aMin === undefined) {
      for (let k = Number(aMaj); k <= Number(bA); k++) out.push(String(k));
    } else {
      const last = bB === undefined ? Number(bA) : Number(bB);
      if (bB !== undefined && bA !== aMaj) return undefined;
      for (let k = Number(aMin); k <= last; k++) out.push(`${aMaj}.${k}`);
    }
  }
  return out;
}

/** The old document a bare `spec §…` means, given the document the file cited last. */
function resolveBare(secs, ctx) {
  if (ctx && secs.every((s) => sections.get(ctx)?.has(s))) return ctx;
  const major = secs[0].split('.')[0];
  const hasMinor = secs[0].includes('.');
  return (major === '1' && hasMinor) || (major === '2' && hasMinor) ? WS : REST;
}

/** Renders the new citation of `targets` (`docs/protocol/x.md#a`, …) for one file. */
function render(targets, file, markdown) {
  const unique = [...new Set(targets)];
  const dir = path.posix.dirname(file);
  let lastFile = '';
  return unique
    .map((t) => {
      const [f, anchor] = t.split('#');
      if (markdown) {
        const href = path.posix.relative(dir, f) + (anchor ? `#${anchor}` : '');
        return `[${path.posix.basename(f)}${anchor ? `#${anchor}` : ''}](${href})`;
      }
      const text = f === lastFile && anchor ? `#${anchor}` : t;
      lastFile = f;
      return text;
    })
    .join(', ');
}

/** Rewrites one file's text; returns the new text and a list of [old, new] changes. */
function rewrite(text, file) {
  const changes = [];
  let out = text;
  for (const [from, to] of phrases) {
    if (out.includes(from)) {
      const n = out.split(from).length - 1;
      out = out.split(from).join(to);
      changes.push([`${from}${n > 1 ? ` (×${n})` : ''}`, to]);
    }
  }
  const markdown = file.endsWith('.md') && !file.startsWith('fixtures/');
  let ctx;
  out = out.replace(CITATION, (...m) => {
    const g = m[m.length - 1];
    const whole = m[0];
    if (g.doc !== undefined) {
      const doc = aliases.get(g.doc) ?? g.doc;
      // A backtick is only consumed when it has a partner.
      if ((g.bt1 || g.bt2) && !g.bt3) return whole;
      if (g.bt3 && !g.bt1 && !g.bt2) return whole;
      // `instruments.md` alone is the repository's own guide unless cited as the spec.
      if (doc === 'instruments.md' && !g.prefix && !g.secs) return whole;
      ctx = doc;
      let targets;
      if (g.secs) {
        const secs = expandSections(g.secs);
        targets = secs?.map((s) => sections.get(doc)?.get(s));
        if (!targets || targets.some((t) => t === undefined)) {
          console.warn(`${file}: no mapping for "${whole}"`);
          return whole;
        }
      } else {
        targets = [docFiles.get(doc)];
      }
      const replacement = render(targets, file, markdown);
      changes.push([whole, replacement]);
      return replacement;
    }
    const secs = expandSections(g.bsecs);
    if (!secs) return whole;
    // Without "spec", only §12.x is unambiguous (the repository's own docs number their sections too).
    if (!g.bprefix && !secs.every((s) => s.startsWith('12.'))) return whole;
    const doc = g.bprefix ? resolveBare(secs, ctx) : REST;
    const targets = secs.map((s) => sections.get(doc)?.get(s));
    if (targets.some((t) => t === undefined)) {
      console.warn(`${file}: no mapping for "${whole}"`);
      return whole;
    }
    const replacement = render(targets, file, markdown);
    changes.push([whole, replacement]);
    return replacement;
  });
  return { out, changes };
}

// ───────────────────────────── files ─────────────────────────────

function listFiles() {
  let files;
  try {
    files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean);
  } catch {
    files = [];
    const walk = (dir) => {
      for (const name of readdirSync(path.join(ROOT, dir))) {
        if (name === 'node_modules' || name === '.git' || name === 'dist') continue;
        const rel = dir ? `${dir}/${name}` : name;
        if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
        else files.push(rel);
      }
    };
    walk('');
  }
  return files.filter(
    (f) =>
      EXTENSIONS.test(f) &&
      !f.startsWith('docs/protocol/') &&
      f !== SELF &&
      f !== 'package-lock.json' &&
      !/(^|\/)(node_modules|dist)\//.test(f) &&
      existsSync(path.join(ROOT, f)),
  );
}

// ───────────────────────────── checks ─────────────────────────────

/** GitHub's heading anchors of a markdown file. */
function anchorsOf(file) {
  const out = new Set();
  for (const line of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (m) {
      out.add(
        m[1]
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, '')
          .replace(/\s/g, '-'),
      );
    }
  }
  return out;
}

function checkTargets() {
  const problems = [];
  const targets = [...[...sections.values()].flatMap((m) => [...m.values()]), ...docFiles.values()];
  const cache = new Map();
  for (const t of targets) {
    const [f, anchor] = t.split('#');
    if (!existsSync(path.join(ROOT, f))) {
      problems.push(`${TSV}: ${f} does not exist`);
      continue;
    }
    if (!cache.has(f)) cache.set(f, anchorsOf(f));
    if (anchor && !cache.get(f).has(anchor)) problems.push(`${TSV}: ${f} has no heading for #${anchor}`);
  }
  return problems;
}

/** Citations of documents outside the repository that are still present. */
const LEFTOVERS = [
  /smartapi-(?:rest|websocket)\.md/,
  /(?<![\w/.\-[])(?:market-rules|portfolio-api)\.md/,
  /[Ss]pec\s+`?instruments\.md|(?<![\w/.\-[])instruments\.md`?\s+§/,
  /\b[Ss]pec\s+§/,
  /\bseed[- ]00\d/,
  /DESIGN\.md\s+§/,
  /shared\/(?:spec|seeds)\b/,
  /(?<![\w§.])§12\.\d/,
];

// ───────────────────────────── main ─────────────────────────────

if (STDIN_PATH !== undefined) {
  process.stdout.write(rewrite(readFileSync(0, 'utf8'), STDIN_PATH).out);
  process.exit(0);
}

let changedFiles = 0;
let changeCount = 0;
const problems = CHECK ? checkTargets() : [];
for (const file of listFiles()) {
  const abs = path.join(ROOT, file);
  const text = readFileSync(abs, 'utf8');
  if (text.includes(IGNORE_MARK)) continue;
  const { out, changes } = rewrite(text, file);
  if (out !== text) {
    changedFiles++;
    changeCount += changes.length;
    for (const [a, b] of changes) console.log(`${file}: ${a}  →  ${b}`);
    if (!DRY) writeFileSync(abs, out);
  }
  if (CHECK) {
    if (out !== text) problems.push(`${file}: ${changes.length} rewrite(s) pending`);
    out.split('\n').forEach((line, i) => {
      if (LEFTOVERS.some((re) => re.test(line))) problems.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
}
const verb = DRY ? 'would rewrite' : 'rewrote';
console.log(`${verb} ${changeCount} citation(s) in ${changedFiles} file(s)`);
if (CHECK) {
  for (const p of problems) console.log(`CHECK ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log('check: no citation of a document outside the repository');
}
