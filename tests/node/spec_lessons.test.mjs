// Lessons never contradict the spec they were classified against (issue 16): a FastAPI 422 for a
// missing field the spec requires gets, in every stack, the lesson to keep it required and send
// it, not to make it optional; with a spec that marks the field nullable, the lesson to make the
// request schema optional; without a spec, the lesson that says both. The same when enhance
// renders a stored lesson again in another stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run, tempDir } from './helpers.mjs';

const error = 'examples/errors/post_orders_422.json'; // {"detail": [{"type": "missing", "loc": ["body", "customer_id"], ...}]}
const shop = 'examples/shop/ir.json'; // Order.customer_id: required
const stacks = ['fastapi-sqlalchemy', 'fastapi-sqlalchemy-async', 'django', 'nestjs-typeorm', 'express-prisma',
  'express-sequelize', 'spring-jpa', 'neutral'];
// how each stack would write "make it optional"
const optional = /Optional\[|\.optional\(\)|\.nullish\(\)|@IsOptional|required=False|\?: |mark it optional/;

function nullableSpec() {
  const ir = JSON.parse(readFileSync(shop, 'utf8'));
  ir.entities.find((e) => e.name === 'Order').fields.find((f) => f.name === 'customer_id').nullable = true;
  const file = path.join(tempDir('fw-spec-lessons-'), 'ir.json');
  writeFileSync(file, JSON.stringify(ir));
  return file;
}

const lesson = (args) => {
  const r = run(['classify', '--endpoint', 'POST /orders', ...args, error]);
  assert.equal(r.status, 0, r.stderr);
  const a = JSON.parse(r.stdout).anti_pattern;
  assert.equal(a.field_pattern, 'required:customer_id');
  return a;
};

test('a field the spec requires: keep it required and send it, in every stack', () => {
  for (const stack of stacks) {
    const a = lesson(['--ir', shop, '--stack', stack]);
    assert.match(a.remediation, /the spec requires customer_id and the request left it out/, stack);
    assert.doesNotMatch(a.correct_code_snippet, optional, `${stack}: ${a.correct_code_snippet}`);
    assert.match(a.correct_code_snippet, /required, as the spec says/, stack);
  }
});

test('a field the spec marks nullable: make the request schema optional; no spec: the lesson says both', () => {
  const ir = nullableSpec();
  for (const stack of stacks) {
    const a = lesson(['--ir', ir, '--stack', stack]);
    assert.doesNotMatch(a.remediation, /the spec requires/, stack);
    assert.match(`${a.remediation}\n${a.correct_code_snippet}`, /optional|nullish|required=False/i, `${stack}: ${a.correct_code_snippet}`);
  }
  const bare = lesson([]);
  assert.match(bare.remediation, /Optional with a default when it is not required/);
});

test('enhance renders a stored lesson again in another stack by the spec of the prompt', () => {
  const store = path.join(tempDir('fw-spec-lessons-'), 'patterns.json');
  const smoke = path.join(path.dirname(store), 'smoke.json');
  const traceback = readFileSync(error, 'utf8');
  writeFileSync(smoke, JSON.stringify({ run_id: 'r1', violations: [1, 2].map(() => ({ endpoint: 'POST /orders', status_code: 422, traceback })) }));
  assert.equal(run(['ingest', '--store', store, '--smoke', smoke, '--ir', shop]).status, 0);
  const prompt = (ir) => {
    const r = run(['enhance', '--store', store, '--entity', 'Order', '--ir', ir, '--stack', 'spring-jpa']);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.match(prompt(shop), /keep @NotNull on the DTO/);
  assert.doesNotMatch(prompt(nullableSpec()), /keep @NotNull on the DTO/);
});
