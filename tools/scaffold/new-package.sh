#!/usr/bin/env bash
# Creates packages/<name> with the workspace's package layout: ESM + .d.ts in dist/, one public index.
set -euo pipefail
name=$1; desc=${2:-"skelnorm $1"}
dir=packages/$name
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "@skelnorm/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "Apache-2.0",
  "type": "module",
  "sideEffects": false,
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "files": ["dist", "README.md"],
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "lint": "tsc -p tsconfig.json --noEmit",
    "test": "vitest run",
    "publint": "publint --strict && attw --pack . --profile esm-only"
  },
  "peerDependencies": {
    "@tensorflow/tfjs-core": "4.22.0"
  },
  "repository": { "type": "git", "url": "git+https://github.com/skelnorm/skelnorm.git", "directory": "$dir" }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "rootDir": "." },
  "include": ["src", "test"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "dist", "rootDir": "src" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/test-support/**"]
}
JSON
cat > "$dir/vitest.config.ts" <<TS
import { packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig();
TS
echo "created $dir"
