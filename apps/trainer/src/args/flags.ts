import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';

/** One `--flag` of a command. */
export type FlagSpec =
  | { readonly type: 'string'; readonly description: string; readonly default?: string; readonly placeholder?: string }
  | { readonly type: 'boolean'; readonly description: string }
  | {
      readonly type: 'number' | 'int';
      readonly description: string;
      readonly default?: number;
      readonly min?: number;
      readonly max?: number;
      readonly placeholder?: string;
    }
  | { readonly type: 'choice'; readonly choices: readonly string[]; readonly description: string; readonly default?: string }
  | { readonly type: 'list'; readonly description: string; readonly default?: string; readonly placeholder?: string };

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'choice'; choices: readonly (infer C)[] }
    ? C | undefined
  : S extends { type: 'number' | 'int' }
    ? number | undefined
    : S extends { type: 'list' }
      ? string[] | undefined
      : string | undefined;

export type ParsedFlags<T extends FlagSpecs> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/**
 * Parses `args` against `specs` (node:util parseArgs underneath, strict): unknown flags,
 * missing values, non-numbers and values outside `choices` become a `UsageError` that names the
 * flag. Flags are kebab-case (`--bn-momentum`); `--no-X` is not special. Lists are comma-separated.
 */
export function parseFlags<T extends FlagSpecs>(
  args: readonly string[],
  specs: T,
  options: { readonly positionals?: { readonly min?: number; readonly max?: number } } = {},
): { flags: ParsedFlags<T>; positionals: string[] } {
  const config: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(specs)) config[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  // `--epochs -1`: node's parser takes '-1' for an option and says the value is ambiguous; a
  // negative number after a flag that takes a value is that value, checked against its range below.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && config[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joined, options: config, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError(cleanParseError(error));
  }
  const min = options.positionals?.min ?? 0;
  const max = options.positionals?.max ?? 0;
  if (parsed.positionals.length < min) throw new UsageError(`expected ${min} argument${min === 1 ? '' : 's'}, got ${parsed.positionals.length}`);
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
  }
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    if (spec.type === 'boolean') {
      flags[name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : undefined;
    if (spec.type === 'string') flags[name] = text ?? spec.default;
    else if (spec.type === 'choice') {
      const value = text ?? spec.default;
      if (value !== undefined && !spec.choices.includes(value)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join('|')}, got '${value}'`);
      }
      flags[name] = value;
    } else if (spec.type === 'list') {
      const value = text ?? spec.default;
      flags[name] = value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    } else {
      if (text === undefined) {
        flags[name] = spec.default;
        continue;
      }
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} expects a number, got '${text}'`);
      if (spec.type === 'int' && !Number.isInteger(value)) throw new UsageError(`--${name} expects an integer, got '${text}'`);
      if (spec.min !== undefined && value < spec.min) throw new UsageError(`--${name} must be >= ${spec.min}, got ${text}`);
      if (spec.max !== undefined && value > spec.max) throw new UsageError(`--${name} must be <= ${spec.max}, got ${text}`);
      flags[name] = value;
    }
  }
  return { flags: flags as ParsedFlags<T>, positionals: parsed.positionals };
}

function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Node's message adds advice about '--' and positionals that does not apply here.
  return message.split('. To specify')[0]!.replace(/\.$/, '');
}

/** The options part of a usage text, generated from the specs so that it cannot drift. */
export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    let left = `--${name}`;
    if (spec.type === 'choice') left += ` ${spec.choices.join('|')}`;
    else if (spec.type !== 'boolean') left += ` ${('placeholder' in spec && spec.placeholder) || (spec.type === 'string' || spec.type === 'list' ? 'VALUE' : 'N')}`;
    const def = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [left, `${spec.description}${def}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => (l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`)).join('\n');
}
