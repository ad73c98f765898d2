/**
 * Protocol citations point into the repository: `scripts/rewrite-citations.mjs` turns citations of the
 * out-of-repo research documents into `docs/protocol/*.md` anchors (docs/protocol/README.md), and
 * `--check` finds none left and every mapped anchor present.
 *
 * rewrite-citations: ignore-file (the samples below cite the old forms on purpose)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const script = 'scripts/rewrite-citations.mjs';

function rewrite(text: string, asFile: string): string {
  const r = spawnSync(process.execPath, [script, '--stdin', asFile], {
    cwd: root,
    input: text,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('rewrite-citations', () => {
  test('the repository cites no document outside it, and every mapped anchor exists', () => {
    const r = spawnSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /no citation of a document outside the repository/);
  });

  test('named documents, lists and ranges become anchors', () => {
    const out = rewrite(
      '/** Rows (spec smartapi-rest.md §12.9–§12.11, §12.21; websocket §2.2). */\n' +
        '// codec (spec smartapi-websocket.md §1.6–1.8), enums (instruments.md §3–4), (market-rules.md)\n',
      'packages/x/src/a.ts',
    );
    assert.equal(
      out,
      '/** Rows (docs/protocol/rest.md#order-book, #order-details, #trade-book, #gtt; ' +
        'docs/protocol/websocket.md#order-status-codes). */\n' +
        '// codec (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20), enums ' +
        '(docs/protocol/scrip-master.md#instrument-types, #exchange-segments), (docs/protocol/market-rules.md)\n',
    );
  });

  test('a bare "spec §n" follows the document cited last, else its number', () => {
    const out = rewrite(
      '// (spec §8) then (spec portfolio-api.md §4) then (spec §7) and (spec §2.2) and (spec §12.6)\n',
      'packages/x/src/a.ts',
    );
    assert.equal(
      out,
      '// (docs/protocol/rest.md#rate-limits) then (docs/protocol/portfolio-api.md#holding-row) then ' +
        '(docs/protocol/portfolio-api.md#pnl-formulas) and (docs/protocol/websocket.md#order-status-codes) and ' +
        '(docs/protocol/rest.md#place-order)\n',
    );
  });

  test('markdown gets relative links; in-repo links and section numbers stay', () => {
    const text =
      'Limits (spec §8), fields of `spec/portfolio-api.md`. See [../instruments.md](../instruments.md), ' +
      '[engine doc §5](paper-broker-engine.md#5-margin) and §7.\n';
    assert.equal(
      rewrite(text, 'docs/sdk/x.md'),
      'Limits ([rest.md#rate-limits](../protocol/rest.md#rate-limits)), fields of ' +
        '[portfolio-api.md](../protocol/portfolio-api.md). See [../instruments.md](../instruments.md), ' +
        '[engine doc §5](paper-broker-engine.md#5-margin) and §7.\n',
    );
  });

  test('phrases are replaced and a second run changes nothing', () => {
    const once = rewrite(
      '/** The seed-004 Portfolio API (spec portfolio-api.md). */\n',
      'packages/x/src/a.ts',
    );
    assert.equal(once, '/** The Portfolio API (docs/protocol/portfolio-api.md). */\n');
    assert.equal(rewrite(once, 'packages/x/src/a.ts'), once);
  });
});
