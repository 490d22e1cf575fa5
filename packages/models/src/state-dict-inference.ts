/**
 * A plain PyTorch state dict (what `safetensors.torch.save_file(model.state_dict(), path)` writes)
 * records weights but not the constructor arguments. The shapes and keys say most of them: the
 * classifier's rows are the classes, the first fully connected layer's width gives the frames of
 * the CNNs, `data_bn`'s width tells ST-GCN's official V*C from per-person M*V*C, and which buffers a
 * norm layer has tells BatchNorm from frozen, per-slot or affine-only norms. This module reads them
 * per model, with one line per inference that a command prints, so a user sees what was assumed.
 */

import { layoutByName, layoutNames, layouts, type LayoutName } from '@skelnorm/data';
import { seedCnnFeatures } from './seed-cnn.js';

export type TensorShapes = ReadonlyMap<string, readonly number[]>;

/** What the keys and shapes say about a model's options, and how. */
export interface InferredOptions {
  readonly options: Record<string, unknown>;
  /** One line per inferred option: `numClasses 60 (fc.weight has 60 rows)`. */
  readonly notes: readonly string[];
}

type Inference = (shapes: TensorShapes, source: string, layout: LayoutFinder) => InferredOptions;

/** Decides the layout from the joints V that a key's shape shows (or the first V for which `fits`). */
type LayoutFinder = (evidence: { readonly key: string; readonly joints?: number; readonly fits?: (joints: number) => boolean }) => { layout: LayoutName; joints: number; note: string };

/** V of the layouts, each once, in the order of preference when only V is known (ntu25 before its 2D and live variants). */
const JOINT_COUNTS = [...new Set(layoutNames.map((name) => layouts[name].joints))];

/**
 * The layout a state dict was trained on. Its shapes show V (NTU's 25 or COCO's 17) but not what
 * the channels hold, so among layouts of the same V the user's `hint` decides, else the first
 * (ntu25 for 25 joints); a hint whose V does not fit is refused.
 */
function layoutFinder(hint: LayoutName | undefined, source: string): LayoutFinder {
  return ({ key, joints, fits }) => {
    const fitting = joints !== undefined ? [joints] : JOINT_COUNTS.filter((v) => fits?.(v));
    const hinted = hint !== undefined ? layoutByName(hint).joints : undefined;
    const found = hinted !== undefined && fitting.includes(hinted) ? hinted : fitting[0];
    if (found === undefined) throw new Error(`${source}: '${key}' fits none of the layouts' joint counts (${JOINT_COUNTS.join(', ')})`);
    if (hint !== undefined) {
      if (hinted !== found) throw new Error(`${source}: '${key}' shows V=${found} joints; layout ${hint} has ${hinted}`);
      return { layout: hint, joints: found, note: `layout '${hint}' (given; '${key}' shows V=${found})` };
    }
    const [layout, ...others] = layoutNames.filter((name) => layouts[name].joints === found) as [LayoutName, ...LayoutName[]];
    const evidence = fitting.length > 1 ? `'${key}' fits ${fitting.map((v) => `V=${v}`).join(' and ')}; took ${found}` : `'${key}' shows V=${found}`;
    const alike = others.length ? `; ${others.join(' and ')} ha${others.length === 1 ? 's' : 've'} the same shapes: give the layout if it is one of them` : '';
    return { layout, joints: found, note: `layout '${layout}' (${evidence}${alike})` };
  };
}

/** Keys that only one model's state dict has: which registered model a state dict is. */
const SIGNATURES: readonly (readonly [model: string, key: string])[] = [
  ['stgcn', 'st_gcn_networks.0.gcn.conv.weight'],
  ['ctrgcn', 'l1.gcn1.convs.0.conv1.weight'],
  ['hcn', 'conv1m.0.weight'],
  ['seed-cnn', 'fc2.0.weight'],
];

/** The registered model whose signature key the state dict has, or undefined. */
export function detectModelName(shapes: TensorShapes): string | undefined {
  return SIGNATURES.find(([, key]) => shapes.has(key))?.[0];
}

/**
 * The options that `model`'s state dict `shapes` imply; throws naming the key that is missing or
 * odd. `layout` names the input layout where the shapes cannot (ntu25 and ntu25-2d have the same).
 */
export function inferModelOptions(model: string, shapes: TensorShapes, source = 'state dict', layout?: LayoutName): InferredOptions {
  const infer = INFERENCES[model];
  if (!infer) throw new Error(`${source}: no inference of options from a state dict for model '${model}' (known: ${Object.keys(INFERENCES).join(', ')})`);
  return infer(shapes, source, layoutFinder(layout, source));
}

const INFERENCES: Record<string, Inference> = {
  'seed-cnn': (shapes, source, findLayout) => {
    const notes: string[] = [];
    const classes = dim(shapes, 'fc2.0.weight', 0, source);
    notes.push(`numClasses ${classes} (fc2.0.weight has ${classes} rows)`);
    const fc1 = dim(shapes, 'fc1.0.weight', 1, source);
    // fc1 reads 128 channels x floor(T/8) rows x floor(V/8) joint columns (25 -> 3, 17 -> 2): 8 frames give one row.
    const { layout, joints, note } = findLayout({ key: 'fc1.0.weight', fits: (v) => fc1 % seedCnnFeatures(8, v) === 0 });
    notes.push(note);
    const perRow = seedCnnFeatures(8, joints);
    const pooled = fc1 / perRow;
    const frames = pooled * 8;
    const columns = perRow / 128;
    notes.push(`frames ${frames} (fc1.0.weight takes ${fc1} = 128 x ${pooled} x ${columns}; any T in ${frames}..${frames + 7} gives that width)`);
    const norm = normKind(shapes, 'conv1.1');
    notes.push(norm.note('conv1.1'));
    const options: Record<string, unknown> = { numClasses: classes, frames, layout, ...norm.options };
    if (norm.slots !== undefined) options['personMode'] = 'per-person-stats';
    return { options, notes };
  },
  hcn: (shapes, source, findLayout) => {
    const classes = dim(shapes, 'fc8.weight', 0, source);
    const frames = dim(shapes, 'conv2.weight', 0, source);
    const channels = dim(shapes, 'conv1.0.weight', 0, source);
    const { layout, note } = findLayout({ key: 'conv3.0.weight', joints: dim(shapes, 'conv3.0.weight', 1, source) });
    return {
      options: { numClasses: classes, frames, channels, layout },
      notes: [
        `numClasses ${classes} (fc8.weight has ${classes} rows)`,
        `frames ${frames} (conv2 has ${frames} output channels: HCN's window size)`,
        `channels ${channels} (conv1.0.weight has ${channels} rows: out_channel)`,
        note,
      ],
    };
  },
  stgcn: (shapes, source, findLayout) => {
    const notes: string[] = [];
    const classes = dim(shapes, 'fcn.weight', 0, source);
    notes.push(`numClasses ${classes} (fcn.weight has ${classes} rows)`);
    const inChannels = dim(shapes, 'st_gcn_networks.0.gcn.conv.weight', 1, source);
    notes.push(`inChannels ${inChannels} (st_gcn_networks.0.gcn.conv.weight takes ${inChannels})`);
    const dataBn = ['data_bn.weight', 'data_bn.running_mean'].find((k) => shapes.has(k));
    const { layout, joints, note } = shapes.has('A')
      ? findLayout({ key: 'A', joints: dim(shapes, 'A', 1, source) })
      : findLayout({ key: dataBn ?? 'A', fits: (v) => dataBn === undefined || dim(shapes, dataBn, 0, source) % (v * inChannels) === 0 });
    notes.push(note);
    const options: Record<string, unknown> = { numClasses: classes, inChannels, layout, ...dataNormOf(shapes, joints * inChannels, notes, source) };
    const first = dim(shapes, 'st_gcn_networks.0.tcn.2.weight', 0, source);
    options['width'] = first === 64 ? 'paper' : 'small';
    notes.push(`width '${String(options['width'])}' (the first block has ${first} channels)`);
    options['edgeImportance'] = shapes.has('edge_importance.0');
    notes.push(`edgeImportance ${String(options['edgeImportance'])} (edge_importance.0 ${options['edgeImportance'] ? 'present' : 'absent'})`);
    const norm = normKind(shapes, 'st_gcn_networks.0.tcn.0');
    notes.push(norm.note('st_gcn_networks.0.tcn.0'));
    return { options: { ...options, ...norm.options }, notes };
  },
  ctrgcn: (shapes, source, findLayout) => {
    const notes: string[] = [];
    const classes = dim(shapes, 'fc.weight', 0, source);
    notes.push(`numClasses ${classes} (fc.weight has ${classes} rows)`);
    const inChannels = dim(shapes, 'l1.gcn1.convs.0.conv1.weight', 1, source);
    const base = dim(shapes, 'l1.gcn1.bn.weight', 0, source);
    notes.push(`inChannels ${inChannels}, baseChannels ${base} (l1.gcn1)`);
    const options: Record<string, unknown> = { numClasses: classes, inChannels, baseChannels: base, adaptive: shapes.has('l1.gcn1.PA') };
    notes.push(`adaptive ${String(options['adaptive'])} (l1.gcn1.PA ${options['adaptive'] ? 'present' : 'absent'})`);
    const width = shapes.has('data_bn.weight') ? dim(shapes, 'data_bn.weight', 0, source) : undefined;
    const { layout, joints, note } = options['adaptive']
      ? findLayout({ key: 'l1.gcn1.PA', joints: dim(shapes, 'l1.gcn1.PA', 1, source) })
      : findLayout({ key: 'data_bn.weight', fits: (v) => width === undefined || width % (v * inChannels) === 0 });
    options['layout'] = layout;
    notes.push(note);
    if (width !== undefined) {
      const persons = width / (joints * inChannels);
      if (!Number.isInteger(persons)) throw new Error(`${source}: data_bn has ${width} channels; CTR-GCN's data_bn takes M x ${joints} x ${inChannels}`);
      options['persons'] = persons;
      options['dataNorm'] = true;
      notes.push(`persons ${persons} (data_bn has ${width} = ${persons} x ${joints} x ${inChannels} channels)`);
    } else {
      options['dataNorm'] = false;
      notes.push('dataNorm false (no data_bn)');
    }
    const norm = normKind(shapes, 'l1.gcn1.bn');
    notes.push(norm.note('l1.gcn1.bn'));
    return { options: { ...options, ...norm.options }, notes };
  },
};

/** ST-GCN's data_bn: V*C channels is the official (persons folded), M*V*C per person slot. */
function dataNormOf(shapes: TensorShapes, vc: number, notes: string[], source: string): Record<string, unknown> {
  if (!shapes.has('data_bn.weight') && !shapes.has('data_bn.running_mean')) {
    notes.push("dataNorm 'none' (no data_bn)");
    return { dataNorm: 'none' };
  }
  const width = dim(shapes, shapes.has('data_bn.weight') ? 'data_bn.weight' : 'data_bn.running_mean', 0, source);
  if (width === vc) {
    notes.push(`dataNorm 'VC' (data_bn has ${width} = V x C channels, persons folded into the batch: the official layout)`);
    return { dataNorm: 'VC' };
  }
  if (width % vc === 0) {
    const persons = width / vc;
    notes.push(`dataNorm 'MVC', persons ${persons} (data_bn has ${width} = M x V x C channels)`);
    return { dataNorm: 'MVC', persons };
  }
  throw new Error(`${source}: data_bn has ${width} channels; expected V x C = ${vc} (official) or a multiple of it (per person slot)`);
}

interface NormKindFound {
  readonly options: Record<string, unknown>;
  readonly slots?: number;
  note(prefix: string): string;
}

/** Which norm a layer is, from the buffers it keeps. */
function normKind(shapes: TensorShapes, prefix: string): NormKindFound {
  const has = (suffix: string) => shapes.has(`${prefix}.${suffix}`);
  if (has('running_mean_slot0')) {
    let slots = 0;
    while (has(`running_mean_slot${slots}`)) slots++;
    return { options: { norm: 'batch' }, slots, note: (p) => `norm 'batch' with ${slots} statistics slots (${p}.running_mean_slot0..${slots - 1})` };
  }
  if (has('running_mean') && has('num_batches_tracked')) return { options: { norm: 'batch' }, note: (p) => `norm 'batch' (${p} keeps running statistics)` };
  if (has('running_mean')) return { options: { norm: 'frozen' }, note: (p) => `norm 'frozen' (${p} has running statistics but no num_batches_tracked: FrozenBatchNorm)` };
  if (has('weight')) {
    return {
      options: { norm: 'batch', trackRunningStats: false },
      note: (p) => `norm 'batch' without running statistics (${p} has only weight and bias; a GroupNorm or LayerNorm has the same keys: if it is one, the load below names what differs)`,
    };
  }
  return { options: { norm: 'none' }, note: (p) => `norm 'none' (no ${p}.* keys)` };
}

function dim(shapes: TensorShapes, key: string, axis: number, source: string): number {
  const shape = shapes.get(key);
  if (!shape) throw new Error(`${source}: no '${key}' in the state dict`);
  const size = shape[axis];
  if (size === undefined) throw new Error(`${source}: '${key}' has shape [${shape.join(', ')}]; expected at least ${axis + 1} dimensions`);
  return size;
}
