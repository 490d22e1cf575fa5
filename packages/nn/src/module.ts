import * as tf from '@tensorflow/tfjs-core';
import { StateDictError } from './state-dict-error.js';

/**
 * What travels with an input through a module tree besides the tensor itself. Containers pass
 * it on unchanged; layers read what concerns them and ignore the rest.
 */
export interface ForwardContext {
  /**
   * Which call site this is, e.g. the person slot (0, 1, ...) when a shared stack is called once
   * per person. Layers with per-slot state (per-slot BatchNorm statistics) select by it.
   */
  readonly slot?: number;
  /** Per-sample validity, shape [N] (1 = real sample, 0 = padding such as an absent person). */
  readonly mask?: tf.Tensor;
}

/**
 * How a tensor's layout here differs from PyTorch's. Conversions are pure functions of the
 * tensor; they run only at the edges (import, export), never in `forward`.
 */
export interface TorchLayout {
  toTorch(t: tf.Tensor): tf.Tensor;
  fromTorch(t: tf.Tensor): tf.Tensor;
}

/** `native`: this library's layout (channels last). `pytorch`: PyTorch's, e.g. conv (out, in, kh, kw). */
export type StateDictLayout = 'native' | 'pytorch';

export interface LoadStateDictOptions {
  /** Fail on missing or unexpected keys, as PyTorch's `strict=True`. Default true. Shape mismatches always fail. */
  strict?: boolean;
  /** Layout of the given tensors. Default `native`. */
  layout?: StateDictLayout;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Called after a module's forward with its input and output; see `registerForwardHook`. */
export type ForwardHook = (module: Module, input: tf.Tensor, output: tf.Tensor, context: ForwardContext) => void;

interface Entry {
  variable: tf.Variable;
  layout: TorchLayout | undefined;
}

/**
 * The base of every layer and model, after `torch.nn.Module`: registered parameters (trainable
 * variables), buffers (non-trainable state such as running statistics), child modules, and a
 * training/eval mode that `train()` and `eval()` set on the whole tree.
 *
 * Subclasses implement `forward`; callers use `call`, which also runs forward hooks.
 * Names compose with dots as in PyTorch: a child `conv1` of type Sequential whose first element
 * has a `weight` gives `conv1.0.weight`.
 */
export abstract class Module {
  /** True in training mode (the default, as in PyTorch). Set through `train()` / `eval()`. */
  private _training = true;
  private readonly parametersByName = new Map<string, Entry>();
  private readonly buffersByName = new Map<string, Entry>();
  private readonly modulesByName = new Map<string, Module>();
  private readonly hooks = new Set<ForwardHook>();

  get training(): boolean {
    return this._training;
  }

  /** The computation. Do not call directly: `call` runs hooks around it. */
  abstract forward(input: tf.Tensor, context: ForwardContext): tf.Tensor;

  /** Runs `forward` then the forward hooks, like calling a PyTorch module. */
  call(input: tf.Tensor, context: ForwardContext = {}): tf.Tensor {
    const output = this.forward(input, context);
    for (const hook of this.hooks) hook(this, input, output, context);
    return output;
  }

  /** Observes every call of this module; returns a function that removes the hook. */
  registerForwardHook(hook: ForwardHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    this._training = mode;
    for (const child of this.modulesByName.values()) child.train(mode);
    return this;
  }

  /** Sets eval mode on this module and every descendant; same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  protected registerParameter(name: string, value: tf.Tensor, layout?: TorchLayout): tf.Variable {
    this.assertFreeName(name);
    const variable = tf.variable(value, true, undefined, 'float32');
    value.dispose();
    this.parametersByName.set(name, { variable, layout });
    return variable;
  }

  /** A buffer is state that is saved and loaded but not trained (running statistics, counters). */
  protected registerBuffer(name: string, value: tf.Tensor, layout?: TorchLayout): tf.Variable {
    this.assertFreeName(name);
    const variable = tf.variable(value, false, undefined, value.dtype);
    value.dispose();
    this.buffersByName.set(name, { variable, layout });
    return variable;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.assertFreeName(name);
    this.modulesByName.set(name, module);
    return module;
  }

  private assertFreeName(name: string): void {
    if (!name || name.includes('.')) throw new Error(`Module: invalid name '${name}' (non-empty, no dots)`);
    if (this.parametersByName.has(name) || this.buffersByName.has(name) || this.modulesByName.has(name)) {
      throw new Error(`Module: '${name}' is already registered on ${this.constructor.name}`);
    }
  }

  /** Direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.modulesByName];
  }

  /** This module and every descendant with its dotted path ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.modulesByName) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  namedParameters(prefix = ''): [string, tf.Variable][] {
    return this.collect(prefix, (m) => m.parametersByName);
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  namedBuffers(prefix = ''): [string, tf.Variable][] {
    return this.collect(prefix, (m) => m.buffersByName);
  }

  /** Number of scalar parameters (trainable values), as `sum(p.numel() for p in m.parameters())`. */
  numParameters(): number {
    return this.parameters().reduce((sum, p) => sum + p.size, 0);
  }

  private collect(prefix: string, pick: (m: Module) => Map<string, Entry>): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [path, module] of this.namedModules(prefix)) {
      for (const [name, entry] of pick(module)) out.push([join(path, name), entry.variable]);
    }
    return out;
  }

  private namedEntries(): [string, Entry][] {
    const out: [string, Entry][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [name, entry] of module.parametersByName) out.push([join(path, name), entry]);
      for (const [name, entry] of module.buffersByName) out.push([join(path, name), entry]);
    }
    return out;
  }

  /**
   * Parameters and buffers under PyTorch's dotted names, as new tensors the caller owns (dispose
   * them). With `layout: 'pytorch'` each tensor is converted to PyTorch's layout, so the result
   * saved as safetensors loads into the equivalent `torch.nn.Module`.
   */
  stateDict(options: { layout?: StateDictLayout } = {}): Record<string, tf.Tensor> {
    const torch = (options.layout ?? 'native') === 'pytorch';
    const out: Record<string, tf.Tensor> = {};
    for (const [name, { variable, layout }] of this.namedEntries()) {
      out[name] = tf.tidy(() => (torch && layout ? layout.toTorch(variable) : tf.clone(variable)));
    }
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and buffers of the same names. Every key is
   * checked before anything is assigned, so a failed load leaves the module as it was.
   * Throws `StateDictError` listing missing, unexpected and mis-shaped keys.
   */
  loadStateDict(dict: Readonly<Record<string, tf.Tensor>>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const torch = (options.layout ?? 'native') === 'pytorch';
    const entries = this.namedEntries();
    const own = new Set(entries.map(([name]) => name));
    const missingKeys = entries.map(([name]) => name).filter((name) => !(name in dict));
    const unexpectedKeys = Object.keys(dict).filter((name) => !own.has(name));
    const converted: [tf.Variable, tf.Tensor][] = [];
    const misShaped: string[] = [];
    try {
      for (const [name, { variable, layout }] of entries) {
        const given = dict[name];
        if (!given) continue;
        // Layout conversions are transposes: a tensor of another rank cannot even be converted, so
        // it is a mis-shaped key, not a transpose error.
        if (torch && layout && given.rank !== variable.shape.length) {
          misShaped.push(`${name}: expected a rank-${variable.shape.length} tensor in PyTorch layout, got [${given.shape}]`);
          continue;
        }
        const value = tf.tidy(() => {
          const native = torch && layout ? layout.fromTorch(given) : tf.clone(given);
          return native.dtype === variable.dtype ? native : tf.cast(native, variable.dtype);
        });
        if (!sameShape(value.shape, variable.shape)) {
          misShaped.push(`${name}: expected [${variable.shape}] (${torch && layout ? 'after conversion from PyTorch layout' : 'native layout'}), got [${value.shape}]`);
          value.dispose();
          continue;
        }
        converted.push([variable, value]);
      }
      if (misShaped.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
        throw new StateDictError(this.constructor.name, missingKeys, strict ? unexpectedKeys : [], misShaped);
      }
      for (const [variable, value] of converted) variable.assign(value);
    } finally {
      for (const [, value] of converted) value.dispose();
    }
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Replaces the descendant at a dotted path (e.g. `conv1.1`) by another module, like
   * `setattr(parent, name, module)` in PyTorch. The old module is returned, not disposed.
   */
  replaceModule(path: string, replacement: Module): Module {
    const names = path.split('.');
    const last = names.pop();
    let parent: Module = this;
    for (const name of names) {
      const next = parent.modulesByName.get(name);
      if (!next) throw new Error(`replaceModule: no module at '${path}' (missing '${name}')`);
      parent = next;
    }
    const old = last === undefined ? undefined : parent.modulesByName.get(last);
    if (!old || last === undefined) throw new Error(`replaceModule: no module at '${path}'`);
    parent.modulesByName.set(last, replacement);
    // Keep fields that point at the child in step with the registry, as setattr does in PyTorch.
    const fields = parent as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) if (fields[key] === old) fields[key] = replacement;
    replacement.train(parent.training);
    return old;
  }

  /** Frees every parameter and buffer of the tree. The module cannot be used afterwards. */
  dispose(): void {
    for (const [, module] of this.namedModules()) {
      for (const { variable } of module.parametersByName.values()) variable.dispose();
      for (const { variable } of module.buffersByName.values()) variable.dispose();
    }
  }
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
