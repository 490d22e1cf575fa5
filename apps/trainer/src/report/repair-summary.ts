import type { RepairResult, RepairScore } from '@skelnorm/norm';
import { percent as pct } from './percent.js';

const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
const score = (s: RepairScore | undefined) => (s ? `${pct(s.accuracy).padStart(6)}  loss ${s.loss.toFixed(3)}` : '     –');

const CANDIDATE_LABEL = {
  running: '(a) running statistics, as trained',
  precise: '(b) PreciseBN, one set per layer',
  'per-slot': '(c) PreciseBN, one set per person slot',
} as const;

/**
 * The doctor's repair as plain lines (terminal and report.md alike): the four held-out scores,
 * what the gap is made of, which candidate was kept and why, and per layer what changed and why.
 * `holdout`/`statistics`: sample counts of the two parts of the training split.
 */
export function repairSummary(result: RepairResult, sizes?: { readonly holdout: number; readonly statistics: number }): string[] {
  const lines: string[] = [];
  const s = result.scores;
  if (s) {
    lines.push(
      `candidates, eval mode on a held-out slice of the training split` +
        (sizes ? ` (${sizes.holdout} samples; statistics from the other ${sizes.statistics}):` : ':'),
    );
    lines.push(`  ${CANDIDATE_LABEL.running.padEnd(40)}${score(s.running)}`);
    lines.push(`  ${"(a') running statistics, converged".padEnd(40)}${score(s.converged)}  (diagnostic: where the EMA ends with these weights)`);
    lines.push(`  ${CANDIDATE_LABEL.precise.padEnd(40)}${score(s.precise)}`);
    lines.push(`  ${CANDIDATE_LABEL['per-slot'].padEnd(40)}${s.perSlot ? score(s.perSlot) : '     – (no layer is called once per person)'}`);
    lines.push(`  ${'(d) batch statistics (reference)'.padEnd(40)}${score(s.batchStatistics)}`);
  }
  const b = result.breakdown;
  if (b) {
    lines.push(
      `the eval-mode gap, by cause (held-out accuracy points): EMA lag ${points(b.lag)} (a' over a), ` +
        `batch averages vs population ${points(b.exact)} (b over a'), per-person blend ${points(b.blend)} (c over b), ` +
        `left to batch statistics ${points(b.remaining)}`,
    );
    lines.push(`measured failure: ${FAILURE_TEXT[b.dominant]}`);
  }
  lines.push(`kept: ${CANDIDATE_LABEL[result.chosen]}: ${result.reason}`);
  lines.push('per layer:');
  const width = Math.max(...result.layers.map((l) => l.name.length), 5);
  for (const l of result.layers) lines.push(`  ${l.name.padEnd(width)}  ${l.verdict.padEnd(28)}  ${l.change.padEnd(9)}  ${l.why}`);
  return lines;
}

const FAILURE_TEXT = {
  lag:
    'the running statistics lag the weights (a slow EMA such as momentum 0.01, or stale statistics); PreciseBN removes it. ' +
    'It is the main failure of short runs and lasts as long as the weights keep moving; once it is gone, what remains is the per-person blend ' +
    '(`skelnorm train --preset seed --coords camera` shows that regime).',
  exact:
    'the running statistics average per-batch statistics, which miss the spread between batches and, in a layer shared by the persons, between the persons\' calls; PreciseBN\'s population statistics remove it.',
  blend:
    'one BatchNorm serves both persons (a real and a mostly absent one), so its running statistics fit neither; per-slot statistics remove it, PreciseBN alone cannot.',
  none: 'no gap that running statistics can close (less than one point either way).',
} as const;
