// A link that restores the page's inputs: the pasted text, the endpoint, the stack, the spec,
// the prompt's scope, target, base prompt and limits, and the run id. Every text goes through
// the core's redaction first, so a password, token, key or email pasted with an error never
// reaches the link; the Neo4j connection (URL, user, password) is never part of it. The state
// sits in the fragment (#s=...), which browsers do not send to the server, deflated and in
// base64url so that a traceback fits.

export const SHARE_PREFIX = '#s=';
export const MAX_SHARE_CHARS = 1 << 20; // longer links are refused: no browser or chat keeps them

const FIELDS = ['failure', 'endpoint', 'stack', 'spec', 'scope', 'target', 'prompt', 'maxPatterns', 'minOccurrences', 'budget', 'runId'];
const TEXTS = ['failure', 'endpoint', 'spec', 'target', 'prompt', 'runId'];

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

const toBase64Url = (bytes) => {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromBase64Url = (text) => {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

// The link's fragment for these inputs, every text redacted with redact(text). A spec whose
// redaction would no longer be JSON is left out (said in `dropped`).
export async function encodeShare(inputs, redact) {
  const state = { v: 1 };
  const dropped = [];
  let redactions = 0;
  for (const key of FIELDS) {
    let value = inputs[key];
    if (value === undefined || value === null || value === '') continue;
    if (TEXTS.includes(key)) {
      const clean = redact(String(value));
      if (clean !== value) redactions++;
      if (key === 'spec' && clean !== value && !isJson(clean)) {
        dropped.push('the spec (its redacted form is not JSON)');
        continue;
      }
      value = clean;
    }
    state[key] = value;
  }
  const packed = await pipe(new TextEncoder().encode(JSON.stringify(state)), new CompressionStream('deflate-raw'));
  const fragment = SHARE_PREFIX + toBase64Url(packed);
  if (fragment.length > MAX_SHARE_CHARS) {
    throw new Error(`the link would be ${fragment.length} characters, over the limit of ${MAX_SHARE_CHARS}: shorten the pasted text or the spec`);
  }
  return { fragment, redactions, dropped };
}

// The inputs of a fragment made by encodeShare(); throws a readable error for anything else.
export async function decodeShare(fragment) {
  if (!fragment.startsWith(SHARE_PREFIX)) return null;
  if (fragment.length > MAX_SHARE_CHARS) throw new Error(`the link is longer than ${MAX_SHARE_CHARS} characters`);
  let state;
  try {
    const bytes = await pipe(fromBase64Url(fragment.slice(SHARE_PREFIX.length)), new DecompressionStream('deflate-raw'));
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('the link is damaged or cut short (its state could not be read)');
  }
  if (!state || typeof state !== 'object' || state.v !== 1) throw new Error('the link was not made by this page (unknown state version)');
  const inputs = {};
  for (const key of FIELDS) {
    const value = state[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`the link's ${key} is not text`);
    inputs[key] = String(value);
  }
  return inputs;
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
