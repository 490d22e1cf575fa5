import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { formatFlags, parseFlags } from './flags.js';

const specs = {
  epochs: { type: 'int', description: 'epochs', default: 3, min: 1 },
  lr: { type: 'number', description: 'learning rate' },
  norm: { type: 'choice', choices: ['bn', 'none'], description: 'normalization', default: 'bn' },
  out: { type: 'string', description: 'output dir' },
  repair: { type: 'boolean', description: 'repair' },
  variants: { type: 'list', description: 'variants' },
} as const;

describe('parseFlags', () => {
  it('parses typed values and applies defaults', () => {
    const { flags, positionals } = parseFlags(['ckpt', '--lr', '0.01', '--repair', '--variants', 'a, b'], specs, { positionals: { max: 1 } });
    expect(flags).toEqual({ epochs: 3, lr: 0.01, norm: 'bn', out: undefined, repair: true, variants: ['a', 'b'] });
    expect(positionals).toEqual(['ckpt']);
  });

  it.each([
    [['--epochs', 'x'], /--epochs expects a number/],
    [['--epochs', '1.5'], /--epochs expects an integer/],
    [['--epochs', '0'], /--epochs must be >= 1/],
    [['--norm', 'foo'], /--norm must be one of bn\|none, got 'foo'/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--lr'], /--lr/],
    [['extra'], /unexpected argument 'extra'/],
  ])('rejects %j with a usage error', (args, message) => {
    expect(() => parseFlags(args, specs)).toThrow(UsageError);
    expect(() => parseFlags(args, specs)).toThrow(message);
  });

  it('formats the flags for the usage text', () => {
    const text = formatFlags(specs);
    expect(text).toContain('--norm bn|none');
    expect(text).toContain('(default 3)');
  });
});
