import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, neverWithin } from '../src/timing.js';

/** A minimal manual clock: timers fire only on advance(). */
class TestClock {
  now = 0;
  advanced: number[] = [];
  #timers: { at: number; fn: () => void }[] = [];
  setTimeout(fn: () => void, ms: number): void {
    this.#timers.push({ at: this.now + ms, fn });
  }
  advance(ms: number): void {
    this.advanced.push(ms);
    const end = this.now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}

describe('eventually', () => {
  test('returns the value of the first passing check, without waiting when it already holds', async () => {
    let calls = 0;
    const v = await eventually(() => {
      calls++;
      return 42;
    });
    assert.equal(v, 42);
    assert.equal(calls, 1);
  });

  test('retries in real time until an assertion passes', async () => {
    let flag = false;
    setTimeout(() => {
      flag = true;
    }, 30);
    let calls = 0;
    await eventually(() => {
      calls++;
      assert.equal(flag, true);
    });
    assert.ok(calls > 1, 'it had to retry');
  });

  test('a check returning false counts as failing (a bare predicate cannot pass by accident)', async () => {
    await assert.rejects(
      eventually(() => false, { timeout: 20 }),
      /returned false/,
    );
  });

  test('on timeout rethrows the last assertion error with context, keeping its class', async () => {
    let n = 0;
    await assert.rejects(
      eventually(
        () => {
          n++;
          assert.equal(n, -1);
        },
        { timeout: 200, interval: 5, message: 'a negative n' },
      ),
      (e: unknown) => {
        assert.ok(e instanceof assert.AssertionError, 'still an AssertionError');
        assert.match(e.message, /^eventually \(a negative n\): still failing after \d+ ms and \d+ tries/);
        assert.equal(e.actual, n, 'the last failure, not the first');
        return true;
      },
    );
    assert.ok(n >= 2);
  });

  test('with a clock, advances simulated time between checks instead of sleeping', async () => {
    const clock = new TestClock();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 60_000);
    const started = Date.now();
    await eventually(() => assert.equal(fired, true), { clock, interval: 1000, timeout: 120_000 });
    assert.equal(clock.now, 60_000, 'stopped as soon as the check passed');
    assert.deepEqual(new Set(clock.advanced), new Set([1000]));
    assert.ok(Date.now() - started < 2000, 'no real minute went by');
  });

  test('with a clock, gives up after timeout simulated ms', async () => {
    const clock = new TestClock();
    await assert.rejects(
      eventually(() => assert.ok(clock.now > 10_000, 'clock.now > 10_000'), {
        clock,
        interval: 1000,
        timeout: 5000,
      }),
      /still failing after 5000 simulated ms and 6 tries/,
    );
    assert.equal(clock.now, 5000);
  });

  test('awaits async checks and promise jobs queued by timer callbacks', async () => {
    const clock = new TestClock();
    const got: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => 1)
        .then((v) => got.push(v));
    }, 100);
    await eventually(async () => assert.deepEqual(got, [1]), { clock, interval: 100, timeout: 100 });
  });

  test('rejects nonsense options', async () => {
    await assert.rejects(
      eventually(() => true, { interval: 0 }),
      RangeError,
    );
    await assert.rejects(
      eventually(() => true, { timeout: Number.NaN }),
      RangeError,
    );
  });
});

describe('neverWithin', () => {
  test('passes when the check keeps holding for the whole simulated window', async () => {
    const clock = new TestClock();
    const events: string[] = [];
    clock.setTimeout(() => events.push('late'), 60_001);
    await neverWithin(60_000, () => assert.deepEqual(events, []), { clock });
    assert.equal(clock.now, 60_000);
    clock.advance(1);
    assert.deepEqual(events, ['late'], 'the clock was really driving the timer');
  });

  test('fails at the first step where the forbidden thing happened, naming the simulated time', async () => {
    const clock = new TestClock();
    const events: string[] = [];
    clock.setTimeout(() => events.push('retry'), 30_000);
    await assert.rejects(
      neverWithin(60_000, () => assert.deepEqual(events, []), { clock, interval: 1000, message: 'a retry' }),
      (e: unknown) => {
        assert.ok(e instanceof assert.AssertionError);
        assert.match(
          e.message,
          /^neverWithin\(60000 simulated ms\) \(a retry\): the check failed after 30000 simulated ms/,
        );
        return true;
      },
    );
    assert.equal(clock.now, 30_000, 'stopped at the failing step');
  });

  test('fails at once when the check does not even hold at the start', async () => {
    const clock = new TestClock();
    await assert.rejects(
      neverWithin(1000, () => false, { clock }),
      /failed after 0 simulated ms/,
    );
    assert.equal(clock.now, 0);
  });

  test('sees effects that only land in promise jobs after a timer fires', async () => {
    const clock = new TestClock();
    let sent = 0;
    clock.setTimeout(() => {
      void Promise.resolve().then(() => {
        sent++;
      });
    }, 500);
    await assert.rejects(
      neverWithin(1000, () => assert.equal(sent, 0), { clock, interval: 100 }),
      /failed after 500 simulated ms/,
    );
  });

  test('in real time, catches something that happens inside the window', async () => {
    let arrived = false;
    const timer = setTimeout(() => {
      arrived = true;
    }, 20);
    try {
      await assert.rejects(
        neverWithin(2000, () => assert.equal(arrived, false)),
        /neverWithin\(2000 ms\): the check failed after \d+ ms/,
      );
    } finally {
      clearTimeout(timer);
    }
  });

  test('in real time, lasts the whole window when nothing happens', async () => {
    const started = Date.now();
    let checks = 0;
    await neverWithin(
      60,
      () => {
        checks++;
      },
      { interval: 10 },
    );
    assert.ok(Date.now() - started >= 59, 'waited the window');
    assert.ok(checks >= 2, 'checked at the start and again after waiting');
  });
});
