// The learning curve of a store's run history as plain SVG: per run, the errors (violations) and
// how many of them were repeats of known patterns as bars, the prevention rate as a line on a
// 0-100 % axis. A table with the same numbers follows for screen readers and exact values.

import { el, svg } from './dom.mjs';

const W = 640, H = 260, PAD = { top: 16, right: 48, bottom: 36, left: 40 };

export function learningCurve(runs) {
  if (!runs.length) {
    return el('p', { class: 'hint', 'data-testid': 'chart-empty' },
      'No runs yet: record a smoke run or load the example history to see the learning curve.');
  }
  const plotW = W - PAD.left - PAD.right, plotH = H - PAD.top - PAD.bottom;
  const maxErrors = Math.max(1, ...runs.map((r) => Number(r.violations) || 0));
  const step = plotW / runs.length;
  const barW = Math.max(4, Math.min(36, step * 0.35));
  const y = (v) => PAD.top + plotH - (v / maxErrors) * plotH;
  const yRate = (r) => PAD.top + plotH - r * plotH;
  const x = (i) => PAD.left + step * (i + 0.5);

  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-testid': 'chart',
    'aria-label': `Learning curve over ${runs.length} run${runs.length === 1 ? '' : 's'}`,
  });
  chart.append(svg('title', {}, 'Errors, repeated errors and prevention rate per run'));
  // axes and grid
  for (const frac of [0, 0.5, 1]) {
    const gy = PAD.top + plotH - frac * plotH;
    chart.append(
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: gy, y2: gy, class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: gy + 4, class: 'axis', 'text-anchor': 'end' }, String(Math.round(frac * maxErrors))),
      svg('text', { x: W - PAD.right + 6, y: gy + 4, class: 'axis' }, `${Math.round(frac * 100)}%`));
  }
  const points = [];
  runs.forEach((run, i) => {
    const errors = Number(run.violations) || 0, repeated = Number(run.repeated_errors) || 0;
    const rate = Number(run.prevention_rate) || 0;
    chart.append(
      svg('rect', { x: x(i) - barW, y: y(errors), width: barW, height: y(0) - y(errors), class: 'bar-errors' },
        svg('title', {}, `${run.run_id}: ${errors} errors`)),
      svg('rect', { x: x(i), y: y(repeated), width: barW, height: y(0) - y(repeated), class: 'bar-repeated' },
        svg('title', {}, `${run.run_id}: ${repeated} repeated`)),
      svg('text', { x: x(i), y: H - PAD.bottom + 16, class: 'axis', 'text-anchor': 'middle' }, shortLabel(run.run_id, step)));
    points.push(`${x(i)},${yRate(rate)}`);
  });
  chart.append(svg('polyline', { points: points.join(' '), class: 'line-rate' }));
  runs.forEach((run, i) => chart.append(svg('circle', { cx: x(i), cy: yRate(Number(run.prevention_rate) || 0), r: 4, class: 'dot-rate' },
    svg('title', {}, `${run.run_id}: ${pct(run.prevention_rate)} prevented`))));

  const legend = el('p', { class: 'legend' },
    el('span', { class: 'key key-errors' }), ' errors per run ',
    el('span', { class: 'key key-repeated' }), ' repeated errors ',
    el('span', { class: 'key key-rate' }), ' prevention rate (right axis)');
  const table = el('table', { 'data-testid': 'history' },
    el('caption', {}, 'Run history'),
    el('thead', {}, el('tr', {}, ['Run', 'Errors', 'Repeated', 'Injected', 'Prevented', 'Prevention rate'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, runs.map((r) => el('tr', {},
      el('th', { scope: 'row' }, r.run_id), el('td', {}, r.violations), el('td', {}, r.repeated_errors),
      el('td', {}, r.injected), el('td', {}, r.prevented), el('td', {}, pct(r.prevention_rate))))));
  return el('figure', { class: 'curve' }, chart, legend, el('details', {}, el('summary', {}, 'Numbers'), el('div', { class: 'scroll' }, table)));
}

const pct = (r) => `${(100 * (Number(r) || 0)).toFixed(1)}%`;

// Long run ids are cut so that neighbouring labels do not overlap; the table has them in full.
function shortLabel(id, step) {
  const max = Math.max(3, Math.floor(step / 7));
  const s = String(id);
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}
