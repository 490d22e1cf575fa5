#!/usr/bin/env node
// Generates src/tfjs-gradients.generated.ts: tfjs-core's own gradient configs, rebound to
// tfjs-core's public API.
//
// Why: tfjs-core's Node entry (dist/tf-core.node.js, a CJS bundle) registers no gradients and
// contains none; they ship only as the ESM tree dist/gradients/*.js whose extension-less relative
// imports ('../ops/mul') load under bundlers and vitest but not in plain Node ESM. Importing that
// tree also loads a second copy of tfjs-core's modules. Here esbuild bundles the gradient files
// and every import they make of a tfjs-core internal module is rewritten to the public entry
// '@tensorflow/tfjs-core' (kept external), so the result is one small ESM module that runs the
// same in plain Node, vitest, esbuild bundles and Vite, on the single tfjs-core instance that
// user code imports. Internal modules that have no public counterpart (a few gradient-only ops
// such as maxPoolGrad) are bundled from tfjs-core's own source with the same rewriting; the only
// hand-written stand-ins are ENGINE (= engine()) and convertToTensor (gradients pass tensors).
//
// Usage: node scripts/generate-gradients.mjs          writes the file
//        node scripts/generate-gradients.mjs --check  exits 1 when the file is stale
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'src', 'tfjs-gradients.generated.ts');
const require = createRequire(import.meta.url);
const corePkgJson = require.resolve('@tensorflow/tfjs-core/package.json');
const coreDist = join(dirname(corePkgJson), 'dist');
const coreVersion = JSON.parse(readFileSync(corePkgJson, 'utf8')).version;
/** The public API as plain Node sees it: the names we may import from '@tensorflow/tfjs-core'. */
const tf = require('@tensorflow/tfjs-core');

/** Internal modules whose namespace import maps onto a public namespace of tfjs-core. */
const PUBLIC_NAMESPACE_OF = {
  'util.js': 'util',
  'ops/axis_util.js': 'backend_util',
  'ops/conv_util.js': 'backend_util',
  'ops/selu_util.js': 'backend_util',
  'ops/broadcast_util.js': 'broadcast_util',
  'ops/slice_util.js': 'slice_util',
};
/** Internal names with no public counterpart, given a stand-in in the virtual module 'stand-in'. */
const STAND_INS = {
  'engine.js': ['ENGINE'],
  'tensor_util_env.js': ['convertToTensor'],
};
const STAND_IN_SOURCE = `
import { engine, Tensor } from '@tensorflow/tfjs-core';
// tfjs-core's ENGINE is the global engine singleton; engine() returns the same object.
export const ENGINE = engine();
// Gradient functions only pass tensors (dy, saved inputs/outputs) to the ops they call.
export function convertToTensor(x, argName, functionName) {
  if (x instanceof Tensor) return x;
  throw new TypeError(\`Argument '\${argName}' passed to '\${functionName}' must be a Tensor.\`);
}
`;

const IMPORT_NAMED = /^import \{([^}]*)\} from '([^']+)';$/;
const IMPORT_NS = /^import \* as (\w+) from '([^']+)';$/;

function resolveInternal(importer, spec) {
  const abs = resolve(dirname(importer), spec);
  return abs.endsWith('.js') ? abs : `${abs}.js`;
}

/** Rewrites one tfjs-core dist file's imports; returns the new source. */
function rewrite(file, source) {
  const lines = source.replace(/\n\/\/# sourceMappingURL=.*$/m, '').split('\n');
  const key = (abs) => relative(coreDist, abs).split('\\').join('/');
  return lines
    .map((line) => {
      if (!line.startsWith('import ')) return line;
      const ns = IMPORT_NS.exec(line);
      if (ns) {
        const [, local, spec] = ns;
        const target = key(resolveInternal(file, spec));
        const pub = PUBLIC_NAMESPACE_OF[target];
        if (pub === undefined) throw new Error(`${key(file)}: no public namespace for ${target}`);
        for (const m of source.matchAll(new RegExp(`\\b${local}\\.(\\w+)`, 'g'))) {
          if (!(m[1] in tf[pub])) throw new Error(`${key(file)}: ${pub}.${m[1]} is not public`);
        }
        return `import { ${pub} as ${local} } from '@tensorflow/tfjs-core';`;
      }
      const named = IMPORT_NAMED.exec(line);
      if (!named) throw new Error(`${key(file)}: unexpected import form: ${line}`);
      const names = named[1].split(',').map((s) => s.trim()).filter(Boolean);
      const spec = named[2];
      const abs = resolveInternal(file, spec);
      const target = key(abs);
      if (target.startsWith('gradients/')) return `import { ${names.join(', ')} } from '${abs}';`;
      const out = [];
      const rest = [];
      for (const n of names) {
        const [name, alias = name] = n.split(/\s+as\s+/);
        const pub = PUBLIC_NAMESPACE_OF[target];
        if (STAND_INS[target]?.includes(name)) out.push(`import { ${name} as ${alias} } from 'stand-in';`);
        else if (pub !== undefined && name in tf[pub]) out.push(`import { ${pub} as __${pub}_${alias} } from '@tensorflow/tfjs-core'; const ${alias} = __${pub}_${alias}.${name};`);
        else if (pub === undefined && name in tf) out.push(`import { ${name} as ${alias} } from '@tensorflow/tfjs-core';`);
        else rest.push(n);
      }
      // No public counterpart: bundle tfjs-core's own module (rewritten the same way).
      if (rest.length > 0) out.push(`import { ${rest.join(', ')} } from '${abs}';`);
      return out.join(' ');
    })
    .join('\n');
}

export async function generateGradientsModule() {
  const registerAll = readFileSync(join(coreDist, 'register_all_gradients.js'), 'utf8');
  const configs = [...registerAll.matchAll(/^import \{ (\w+GradConfig) \} from '(\.\/gradients\/\w+)';$/gm)];
  const listed = new Set([...registerAll.matchAll(/^\s+(\w+GradConfig),?$/gm)].map((m) => m[1]));
  if (configs.length === 0 || configs.length !== listed.size) {
    throw new Error(`register_all_gradients.js: found ${configs.length} imports, ${listed.size} listed configs`);
  }
  const entry = [
    ...configs.map(([, name, spec]) => `import { ${name} } from '${join(coreDist, spec)}.js';`),
    `export const tfjsGradientConfigs = [${configs.map(([, n]) => n).join(', ')}];`,
  ].join('\n');
  const bundledInternals = new Set();
  const result = await build({
    stdin: { contents: entry, resolveDir: coreDist, sourcefile: 'entry.js', loader: 'js' },
    absWorkingDir: coreDist,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [
      {
        name: 'tfjs-core-public',
        setup(b) {
          b.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, () => ({ path: '@tensorflow/tfjs-core', external: true }));
          b.onResolve({ filter: /^stand-in$/ }, () => ({ path: 'stand-in', namespace: 'stand-in' }));
          b.onLoad({ filter: /.*/, namespace: 'stand-in' }, () => ({ contents: STAND_IN_SOURCE, loader: 'js' }));
          b.onLoad({ filter: /\.js$/ }, (args) => {
            if (!args.path.startsWith(coreDist)) return undefined;
            const rel = relative(coreDist, args.path);
            if (!rel.startsWith('gradients')) bundledInternals.add(rel);
            return { contents: rewrite(args.path, readFileSync(args.path, 'utf8')), loader: 'js' };
          });
        },
      },
    ],
  });
  const declaration = 'var tfjsGradientConfigs = [';
  const body = result.outputFiles[0].text.replace(declaration, 'var tfjsGradientConfigs: GradConfig[] = [');
  if (!body.includes('tfjsGradientConfigs: GradConfig[]')) throw new Error(`esbuild output lacks '${declaration}'`);
  const header = [
    '// @ts-nocheck',
    `// GENERATED by scripts/generate-gradients.mjs from @tensorflow/tfjs-core ${coreVersion}. Do not edit.`,
    '// tfjs-core gradient configs (Apache-2.0, Copyright Google LLC), rebound to the public API.',
    `// Bundled tfjs-core internals without a public counterpart: ${[...bundledInternals].sort().join(', ') || 'none'}.`,
    "import type { GradConfig } from '@tensorflow/tfjs-core';",
    '',
  ].join('\n');
  return header + body;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const text = await generateGradientsModule();
  if (process.argv.includes('--check')) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== text) {
      console.error(`${relative(process.cwd(), outFile)} is stale: run node scripts/generate-gradients.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(outFile, text);
    console.log(`wrote ${relative(process.cwd(), outFile)} (${text.length} chars)`);
  }
}
