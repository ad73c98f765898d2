/**
 * The confirmation guard of write commands (`order place|modify|cancel`, `gtt create|cancel`): against
 * the live venue they ask `Proceed? [y/N]` first; `--yes` skips the question; the paper broker (any
 * other root) is never asked about.
 */
import { createInterface } from 'node:readline';
import { DEFAULT_ROOT_URL } from '@smartapi-ts/protocol';

/**
 * Host names that are the live venue: the protocol's default root, plus any host under the venue's
 * domains (older official clients used `apiconnect.angelbroking.com`, which still answers). A root on
 * any of them counts as live; everything else (the paper broker, a local fake) does not.
 */
const LIVE_DOMAINS = ['angelone.in', 'angelbroking.com'];

/** True when `root` is the live venue (see {@link LIVE_DOMAINS}); an unparsable root counts as live. */
export function isLiveRoot(root: string): boolean {
  let host: string;
  try {
    host = new URL(root).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return true; // cannot tell: be careful
  }
  if (host === new URL(DEFAULT_ROOT_URL).hostname) return true;
  return LIVE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/** Whether a write to `root` must be confirmed first: live venue and no `--yes`. */
export function needsConfirmation(root: string, yes: boolean): boolean {
  return !yes && isLiveRoot(root);
}

/** True for an answer meaning yes (`y`, `yes`, any case, surrounding blanks ignored). */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * Writes `question` to `output` and reads one line from `input`. Resolves true only for a yes; an empty
 * line, any other answer, or end of input (stdin closed or `</dev/null`) is no.
 */
export function askYesNo(
  input: NodeJS.ReadableStream,
  output: { write(chunk: string): unknown },
  question: string,
): Promise<boolean> {
  output.write(question);
  return new Promise<boolean>((resolve) => {
    const rl = createInterface({ input, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(isYes(line));
    });
    rl.once('close', () => {
      if (!answered) {
        output.write('\n');
        resolve(false);
      }
    });
  });
}
