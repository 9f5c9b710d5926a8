// What the project's real corpus must be (the same checks as ../shared/tools/corpus-check.py,
// so that a clone without ../shared still checks them): every record well formed and labelled
// with a taxonomy category, context values present in the text, at most 3 records a message
// template, the split the source hashes to, and the corpus's shares.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The taxonomy's categories: the built-in rule pack defines each one (rules_coverage checks it).
export function taxonomyCategories() {
  return new Set(Object.keys(JSON.parse(readFileSync(path.join(root, 'core', 'rules', 'default.json'), 'utf8')).categories));
}

// validation when sha256(source) mod 100 < 30, so one thread never sits on both sides
export function splitOf(source) {
  const h = BigInt('0x' + createHash('sha256').update(source, 'utf8').digest('hex'));
  return h % 100n < 30n ? 'validation' : 'train';
}

const TEMPLATE_LINE = /(error|exception|violat|constraint|failed|assert|denied|invalid)/i;

// The first error-looking line, lower-cased, quoted parts and numbers masked (corpus-check.py's).
export function template(text) {
  const lines = text.split(/\r\n|\r|\n/);
  let l = lines.find((x) => TEMPLATE_LINE.test(x));
  if (l === undefined) {
    const t = text.trim();
    l = t ? t.split(/\r\n|\r|\n/)[0] : '';
  }
  l = l.toLowerCase().replace(/'[^']*'|"[^"]*"|`[^`]*`|\([^)]*\)/g, '<q>');
  return l.replace(/[0-9a-f]{6,}|\d+/g, '<n>').replace(/\s+/g, ' ').trim().slice(0, 160);
}

const REQUIRED = ['id', 'source', 'text', 'category', 'error_type', 'exception_class', 'context', 'ecosystem', 'lang', 'split'];

export function checkCorpus(records, { min = 600 } = {}) {
  const cats = taxonomyCategories();
  const problems = [];
  const ids = new Map();
  for (const r of records) ids.set(r.id, (ids.get(r.id) || 0) + 1);
  for (const r of records) {
    const w = r._where || r.id;
    for (const k of REQUIRED) if (!(k in r)) problems.push(`${w}: no ${k}`);
    if (ids.get(r.id) > 1) problems.push(`${w}: duplicate id ${r.id}`);
    if (!String(r.text || '').trim()) problems.push(`${w}: empty text`);
    if (!cats.has(r.category)) problems.push(`${w}: category ${r.category} is not in the taxonomy`);
    const low = String(r.text || '').toLowerCase();
    for (const [k, v] of Object.entries(r.context || {})) {
      const parts = k === 'loc' ? String(v).split('.') : [String(v)];
      if (parts.some((p) => !low.includes(p.replace(/^['"`]+|['"`]+$/g, '').toLowerCase()))) problems.push(`${w}: context ${k}=${JSON.stringify(v)} does not occur in the text`);
    }
    if (r.source && r.split !== splitOf(r.source)) problems.push(`${w}: split ${r.split}, but its source hashes to ${splitOf(r.source)}`);
  }
  const tpl = new Map();
  for (const r of records) {
    const t = template(r.text || '');
    tpl.set(t, (tpl.get(t) || 0) + 1);
  }
  for (const [t, c] of tpl) if (c > 3) problems.push(`${c} records share one template: ${t.slice(0, 100)}`);
  const n = records.length || 1;
  const share = (pred) => records.filter(pred).length / n;
  const shares = {
    records: records.length,
    sources: new Set(records.map((r) => r.source)).size,
    python: share((r) => r.ecosystem === 'python'),
    node: share((r) => r.ecosystem === 'node'),
    jvm: share((r) => ['java', 'jvm', 'kotlin'].includes(r.ecosystem)),
    multiLine: share((r) => (String(r.text).trim().match(/\n/g) || []).length >= 2),
    unknown: share((r) => r.category === 'unknown'),
    nonEnglish: share((r) => (r.lang || 'en') !== 'en'),
    validation: share((r) => r.split === 'validation'),
    reviewed: share((r) => r.reviewed === true),
  };
  const needs = [
    [`records >= ${min}`, shares.records >= min], ['sources >= 350', shares.sources >= 350],
    ['Python >= 50 %', shares.python >= 0.5], ['Node >= 15 %', shares.node >= 0.15], ['JVM >= 10 %', shares.jvm >= 0.1],
    ['multi-line >= 40 %', shares.multiLine >= 0.4], ['unknown >= 10 %', shares.unknown >= 0.1],
    ['non-English >= 5 %', shares.nonEnglish >= 0.05], ['validation >= 30 %', shares.validation >= 0.3],
    ['every record reviewed', shares.reviewed === 1],
  ];
  for (const [need, ok] of needs) if (!ok) problems.push(`short: ${need}`);
  return { problems, shares };
}
