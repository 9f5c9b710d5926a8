// The holdout simulator (bench/simulate.mjs) through the real CLI: stats recovers each simulated
// lesson's true lift inside its 95 % interval for nearly all, a lesson without effect (p0 = p1)
// and a harmful one are retired once enough slots narrow their intervals while the good ones are
// kept, a retired lesson leaves the prompts, and without a holdout everything is as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../bench/simulate.mjs';
import { bin } from './helpers.mjs';


test('simulator: the intervals hold the true lifts (3 seeds x 6 lessons, 100 rounds, holdout 0.5)', () => {
  let covered = 0, intervals = 0;
  for (const seed of [11, 12, 13]) {
    // no rule retires here (a minimum lift of -1): the intervals of every lesson over all rounds
    const r = simulate({ bin, rounds: 100, holdout: 0.5, seed, lifecycle: ['--min-lift', '-1'] });
    for (const p of r.patterns) {
      // the store's arms are the generator's own tally, slot for slot
      for (const k of ['injected', 'injected_recurred', 'withheld', 'withheld_recurred'])
        assert.equal(p.effect[k], p.tally[k], `seed ${seed} ${p.name} ${k}`);
      assert.ok(p.effect.withheld >= 30 && p.effect.injected >= 30, `seed ${seed} ${p.name}: ${JSON.stringify(p.effect)}`);
      assert.notEqual(p.covered, null);
      intervals++;
      covered += p.covered ? 1 : 0;
      assert.notEqual(p.state, 'retired');
    }
  }
  // 95 % intervals: 18 of them miss about one; more than three would be a broken interval
  assert.ok(covered >= intervals - 3, `${covered} of ${intervals} intervals hold the true lift`);
});

test('simulator: useless and harmful lessons are retired once measured, good ones kept, retired ones leave the prompts', () => {
  // a team that keeps only lessons worth 20 points of recurrence (--min-lift 0.2), default
  // --retire-after (20 slots per arm)
  const r = simulate({ bin, rounds: 160, holdout: 0.5, seed: 21, lifecycle: ['--min-lift', '0.2'] });
  for (const p of r.patterns) {
    const where = `${p.name}: ${JSON.stringify(p.effect)} ${p.state} ${p.state_reason} round ${p.retiredAt}`;
    if (p.trueLift <= 0) {
      assert.equal(p.state, 'retired', where);
      assert.equal(p.state_reason, 'no_effect', where);
      assert.ok(p.effect.injected >= 20 && p.effect.withheld >= 20, where); /* not before enough slots */
      assert.ok(p.effect.ci95[1] < 0.2, where);
      // from the round after its retirement on, neither injected nor withheld
      for (let round = p.retiredAt + 1; round <= r.rounds; round++)
        assert.ok(!r.slots[round - 1].some((e) => e.pattern_id === p.pattern_id), `${where}: in round ${round}`);
    }
    if (p.trueLift >= 0.3) {
      assert.notEqual(p.state, 'retired', where);
      assert.ok(p.effect.ci95[0] > 0, `${where}: shown to work`);
    }
  }
});

test('simulator: --holdout 0 is forewarn without the holdout (no withheld slot, no retirement, frequency ranking)', () => {
  const zero = simulate({ bin, rounds: 25, holdout: 0, seed: 31 });
  const none = simulate({ bin, rounds: 25, holdout: null, seed: 31 });
  assert.deepEqual(zero.prompts, none.prompts);
  assert.deepEqual(zero.slots, none.slots);
  assert.ok(zero.slots.flat().length > 25 * 3, 'lessons were injected');
  assert.ok(zero.slots.flat().every((e) => !e.withheld));
  for (const p of zero.patterns) {
    assert.equal(p.effect.withheld, 0);
    assert.equal(p.effect.lift, null);
    assert.notEqual(p.state, 'retired');
  }
  assert.equal(zero.totals.retired, 0);
});
