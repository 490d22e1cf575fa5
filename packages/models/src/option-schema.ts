/**
 * Option schemas: what a model accepts, as data that a command line or a web form can render
 * and check without knowing the model's TypeScript types.
 */

interface OptionSpecBase {
  /** The option's key in the model's options object, e.g. `bnMomentum`. */
  readonly name: string;
  /** One line for help texts and form labels. */
  readonly description: string;
}

/** A number; `integer` ones must be whole. `nullable` allows `null` (e.g. momentum null = cumulative average). */
export interface NumberOptionSpec extends OptionSpecBase {
  readonly type: 'number' | 'integer';
  readonly default: number | null;
  readonly min?: number;
  readonly max?: number;
  readonly nullable?: boolean;
}

export interface BooleanOptionSpec extends OptionSpecBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

/** One of a fixed list of strings. */
export interface EnumOptionSpec extends OptionSpecBase {
  readonly type: 'enum';
  readonly default: string;
  readonly choices: readonly string[];
}

export type OptionSpec = NumberOptionSpec | BooleanOptionSpec | EnumOptionSpec;

/** A model as the registry describes it. */
export interface ModelInfo {
  /** Registry name, the first argument of `createModel`. */
  readonly name: string;
  /** One line: what the model is. */
  readonly description: string;
  /** Where the architecture comes from (paper or reference code), if anywhere. */
  readonly reference?: string;
  /** Every option with its default; `createModel` rejects keys not listed here. */
  readonly options: readonly OptionSpec[];
}

/**
 * Checks `options` against `specs`: unknown keys, wrong types, values out of range or not among
 * the choices. Throws one error that lists every problem and names the model.
 */
export function validateOptions(model: string, specs: readonly OptionSpec[], options: Readonly<Record<string, unknown>>): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = byName.get(key);
    if (!spec) {
      problems.push(`unknown option '${key}' (known: ${specs.map((s) => s.name).join(', ')})`);
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem) problems.push(`option '${key}': ${problem}`);
  }
  if (problems.length > 0) throw new Error(`createModel('${model}'): ${problems.join('; ')}`);
}

function checkValue(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'enum':
      return typeof value === 'string' && spec.choices.includes(value)
        ? undefined
        : `expected one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`;
    case 'number':
    case 'integer': {
      if (value === null) return spec.nullable ? undefined : 'null is not allowed';
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, got ${JSON.stringify(value)}`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `expected an integer, got ${value}`;
      if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}, got ${value}`;
      return undefined;
    }
  }
}

/** The defaults of a schema as an options object. */
export function defaultOptions(specs: readonly OptionSpec[]): Record<string, unknown> {
  return Object.fromEntries(specs.map((s) => [s.name, s.default]));
}

/** A model's options with every default filled in: what its `config` holds. */
export type ResolvedOptions<T> = { -readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** `defaults` overridden by the options that are set (an explicit `undefined` keeps the default). */
export function withDefaults<D extends object>(defaults: D, options: Readonly<Partial<Record<keyof D, unknown>>>): D {
  const set = Object.entries(options).filter(([, v]) => v !== undefined);
  return { ...defaults, ...Object.fromEntries(set) } as D;
}

/**
 * Options from text, `key=value[,key=value...]` (a command line's `--model-option`), each value
 * read by its spec's type (`null` for nullable numbers) and checked by {@link validateOptions}.
 * Throws one error naming every unknown key or unreadable value.
 */
export function parseOptionAssignments(model: string, specs: readonly OptionSpec[], text: string): Record<string, unknown> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const spec = byName.get(key);
    if (eq < 0) problems.push(`'${part}' is not key=value`);
    else if (!spec) problems.push(`unknown option '${key}' (known: ${specs.map((s) => s.name).join(', ')})`);
    else options[key] = readValue(spec, part.slice(eq + 1).trim());
  }
  if (problems.length > 0) throw new Error(`${model}: ${problems.join('; ')}`);
  validateOptions(model, specs, options);
  return options;
}

/** The text as the spec's type; an unreadable value is kept as text so that validation names it. */
function readValue(spec: OptionSpec, text: string): unknown {
  if (spec.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (spec.type === 'enum') return text;
  if (text === 'null') return null;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? text : value;
}
