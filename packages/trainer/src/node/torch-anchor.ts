import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's python3-torch lives here; a venv's python can be passed instead. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/**
 * The speed anchor, shipped with this package: the seed CNN's training step in PyTorch in the
 * fastest formulation known on CPU (fc layers as 1x1 convolutions on oneDNN), or with `--plain`
 * the `nn.Linear` that Debian's torch runs on the reference BLAS. A verbatim copy of the project's
 * `shared/anchors/torch_seed_cnn_step.py`.
 */
export const TORCH_ANCHOR_SCRIPT = fileURLToPath(new URL('../../scripts/torch_seed_cnn_step.py', import.meta.url));

export interface TorchAnchorOptions {
  /** Default {@link DEFAULT_PYTHON}. */
  readonly python?: string;
  /** Default {@link TORCH_ANCHOR_SCRIPT}. */
  readonly script?: string;
  /** torch.set_num_threads. Default 2. */
  readonly threads?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Timed steps. Default 10. */
  readonly steps?: number;
  /** Untimed steps first. Default 2. */
  readonly warmupSteps?: number;
  /** Default 64. */
  readonly frames?: number;
  /** `nn.Linear` as shipped instead of the tuned 1x1-convolution formulation. Default false. */
  readonly plain?: boolean;
}

/** What the anchor prints (one JSON line). */
export interface TorchAnchorResult {
  readonly runner: 'pytorch-tuned' | 'pytorch-plain';
  readonly medianMsPerStep: number;
  readonly minMsPerStep: number;
  readonly threads: number;
  readonly batch: number;
  readonly steps: number;
  /** PyTorch's version string. */
  readonly torch: string;
}

/** Whether `python` can import torch: its version, or why not (the first line of the error). */
export function torchAvailability(python = DEFAULT_PYTHON): Promise<{ readonly version: string } | { readonly missing: string }> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import torch; print(torch.__version__)'], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ version: stdout.trim() });
      const reason = `${stderr}`.trim().split('\n').at(-1) || error.message;
      resolve({ missing: `${python} -c 'import torch' failed: ${reason}` });
    });
  });
}

/** Runs the anchor once and returns its timing; rejects with the script's last error lines. */
export function runTorchAnchor(options: TorchAnchorOptions = {}): Promise<TorchAnchorResult> {
  const args = [
    options.script ?? TORCH_ANCHOR_SCRIPT,
    '--threads', String(options.threads ?? 2),
    '--batch', String(options.batchSize ?? 64),
    '--steps', String(options.steps ?? 10),
    '--warmup', String(options.warmupSteps ?? 2),
    '--frames', String(options.frames ?? 64),
    ...(options.plain ? ['--plain'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(options.python ?? DEFAULT_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${args[0]} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      try {
        const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as TorchAnchorResult;
        // The ratios divide by it: a missing or non-positive time is no result.
        if (!(Number.isFinite(result.medianMsPerStep) && result.medianMsPerStep > 0)) throw new Error('no positive medianMsPerStep');
        resolve(result);
      } catch (error) {
        reject(new Error(`${args[0]} printed no result (${error instanceof Error ? error.message : String(error)}): ${out.slice(-500)}`));
      }
    });
  });
}
