// The learning curve of a store's run history as plain SVG: per run, the errors (violations) and
// how many of them were repeats of known patterns as bars, the prevention rate as a line on a
// 0-100 % axis, with axis titles, a legend and a table of the same numbers (for screen readers
// and exact values). Drawn at the width it gets on screen (one SVG unit is one CSS pixel), so
// that its text stays 12 px on a 375 px phone as on a 1280 px screen (a fixed viewBox would
// shrink the text with the chart), and redrawn when that width changes.

import { el, svg, show } from './dom.mjs';

const CURVE = { char: 7, title: 18, gap: 6, top: 14, bottom: 42, minLabel: 44 };

// Makes `box` show the learning curve; returns draw(runs), which shows `runs` (oldest first).
// The box follows its own width from then on: a resize redraws the runs last drawn.
export function mountLearningCurve(box) {
  let runs = [], width = 0;
  const draw = (next = runs) => {
    runs = next;
    const tableOpen = box.querySelector('details')?.open ?? false; // the table stays as the user left it
    width = Math.round(box.clientWidth);
    show(box, learningCurve(runs, width || 640, tableOpen));
  };
  new ResizeObserver(() => {
    if (Math.round(box.clientWidth) !== width) draw();
  }).observe(box);
  return draw;
}

function learningCurve(runs, width, tableOpen) {
  if (!runs.length) {
    return el('p', { class: 'hint', 'data-testid': 'chart-empty' },
      'No runs yet: record a smoke run or load the example history to see the learning curve.');
  }
  return el('figure', { class: 'curve' }, curveChart(runs, width), curveLegend(), historyTable(runs, tableOpen));
}

// The plot's geometry for n runs at this width: margins sized for the tick labels and axis titles.
function curveFrame(runs, width) {
  const maxErrors = Math.max(1, ...runs.map((r) => Number(r.violations) || 0));
  const yMax = 2 * Math.ceil(maxErrors / 2); // so that the middle tick is a whole number too
  const left = CURVE.title + CURVE.gap + CURVE.char * String(yMax).length + CURVE.gap;
  const right = CURVE.title + CURVE.gap + CURVE.char * 4 + CURVE.gap; // "100%"
  const plotW = Math.max(80, width - left - right);
  const plotH = Math.round(Math.min(240, Math.max(150, plotW * 0.45)));
  return { yMax, left, plotW, plotH, width, height: CURVE.top + plotH + CURVE.bottom, step: plotW / runs.length };
}

function curveChart(runs, width) {
  const f = curveFrame(runs, width);
  const y = (frac) => CURVE.top + f.plotH * (1 - frac);
  const x = (i) => f.left + f.step * (i + 0.5);
  const barW = Math.max(2, Math.min(28, f.step * 0.3));
  const chart = svg('svg', {
    class: 'chart', width: f.width, height: f.height, viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'data-testid': 'chart',
    'aria-label': `Learning curve over ${runs.length} run${runs.length === 1 ? '' : 's'}: errors and repeated errors per run, prevention rate`,
  }, svg('title', {}, 'Errors, repeated errors and prevention rate per run'));
  for (const frac of [0, 0.5, 1]) {
    chart.append(svg('line', { x1: f.left, x2: f.left + f.plotW, y1: y(frac), y2: y(frac), class: 'grid' }),
      svg('text', { x: f.left - CURVE.gap, y: y(frac) + 4, class: 'axis tick', 'text-anchor': 'end' }, String(frac * f.yMax)),
      svg('text', { x: f.left + f.plotW + CURVE.gap, y: y(frac) + 4, class: 'axis tick' }, `${frac * 100}%`));
  }
  const every = Math.ceil(CURVE.minLabel / f.step); // label every n-th run when they are dense
  runs.forEach((run, i) => {
    const errors = Number(run.violations) || 0, repeated = Number(run.repeated_errors) || 0;
    chart.append(
      svg('rect', { x: x(i) - barW, y: y(errors / f.yMax), width: barW, height: y(0) - y(errors / f.yMax), class: 'bar-errors' },
        svg('title', {}, `${run.run_id}: ${errors} errors`)),
      svg('rect', { x: x(i), y: y(repeated / f.yMax), width: barW, height: y(0) - y(repeated / f.yMax), class: 'bar-repeated' },
        svg('title', {}, `${run.run_id}: ${repeated} repeated`)));
    if (i % every === 0) {
      chart.append(svg('text', { x: x(i), y: y(0) + 16, class: 'axis run-label', 'text-anchor': 'middle' }, runLabel(run.run_id, f.step * every)));
    }
  });
  const rate = (run) => y(Number(run.prevention_rate) || 0);
  chart.append(svg('polyline', { points: runs.map((run, i) => `${x(i)},${rate(run)}`).join(' '), class: 'line-rate' }),
    ...runs.map((run, i) => svg('circle', { cx: x(i), cy: rate(run), r: 4, class: 'dot-rate' },
      svg('title', {}, `${run.run_id}: ${pct(run.prevention_rate)} prevented`))),
    ...axisTitles(f));
  return chart;
}

// Rotated titles read bottom-up on the left and top-down on the right, beside their tick labels.
function axisTitles(f) {
  const mid = CURVE.top + f.plotH / 2;
  return [
    svg('text', { class: 'axis-title', 'data-testid': 'chart-y-title', 'text-anchor': 'middle', transform: `translate(${CURVE.title - 4} ${mid}) rotate(-90)` }, 'Errors per run'),
    svg('text', { class: 'axis-title', 'data-testid': 'chart-y2-title', 'text-anchor': 'middle', transform: `translate(${f.width - CURVE.title + 4} ${mid}) rotate(90)` }, 'Prevention rate'),
    svg('text', { class: 'axis-title', 'data-testid': 'chart-x-title', 'text-anchor': 'middle', x: f.left + f.plotW / 2, y: f.height - 6 }, 'Run, oldest first'),
  ];
}

// Long run ids keep their end (where ids differ) and fit the room of their run; the table has them whole.
function runLabel(id, room) {
  const max = Math.max(3, Math.floor((room - 6) / CURVE.char));
  const s = String(id);
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}

const pct = (r) => `${(100 * (Number(r) || 0)).toFixed(1)}%`;

function curveLegend() {
  const key = (kind, text) => el('span', { class: 'legend-item' }, el('span', { class: `key key-${kind}` }), text);
  return el('p', { class: 'legend', 'data-testid': 'chart-legend' },
    key('errors', 'Errors per run'), key('repeated', 'Repeated errors (a known pattern again)'), key('rate', 'Prevention rate (right axis)'));
}

// The numbers in a box of their own that scrolls (by keyboard too: it is focusable) when the
// table is wider than the page's column: long run ids do not widen the page.
function historyTable(runs, open) {
  const table = el('table', { 'data-testid': 'history' },
    el('caption', {}, 'Run history'),
    el('thead', {}, el('tr', {}, ['Run', 'Errors', 'Repeated', 'Injected', 'Prevented', 'Prevention rate'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, runs.map((r) => el('tr', {},
      el('th', { scope: 'row' }, r.run_id), el('td', {}, r.violations), el('td', {}, r.repeated_errors),
      el('td', {}, r.injected), el('td', {}, r.prevented), el('td', {}, pct(r.prevention_rate))))));
  return el('details', { open }, el('summary', {}, 'Numbers'),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Run history (scrolls when wider than the page)', 'data-testid': 'history-wrap' }, table));
}
