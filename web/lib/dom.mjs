// The only way the page puts content on screen: elements built with createElement and text set
// with textContent. Nothing a user pastes (or a store or Neo4j returns) is ever parsed as HTML,
// so a pasted <script> shows up as the characters it is.

const SVG_NS = 'http://www.w3.org/2000/svg';

// el('div', {class: 'x', 'aria-live': 'polite'}, child, 'text', [more]) -> HTMLElement.
// Attributes are set with setAttribute (never on*/innerHTML); children are nodes or text.
export function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`el: event attributes are not allowed (${name})`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replace a container's content.
export function show(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);

// A definition list of [term, value] pairs, skipping empty values; values are shown as text.
export function facts(pairs, attrs = {}) {
  const list = el('dl', { class: 'facts', ...attrs });
  for (const [term, value, valueAttrs] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(el('dt', {}, term), el('dd', valueAttrs ?? {}, value));
  }
  return list;
}

// Code shown verbatim.
export const code = (text, attrs = {}) => el('pre', { class: 'code', ...attrs }, el('code', {}, text));

// Run fn at most once per `ms` after the last call (typing).
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
