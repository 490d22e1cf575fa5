// `npm run bench` at the workspace root: `skelnorm bench` run from the sources (node
// --conditions=source --import tsx), comparing what the project tracks: 1 and 2 workers, person-sparse
// and dense, against the tuned and the plain PyTorch anchor. Flags after `--` pass on and win
// (e.g. `npm run bench -- --rounds 5 --out bench-results/quiet.json`).
import { runCli } from '../src/cli.js';

process.exitCode = await runCli(['bench', '--workers', '1,2', '--person-sparse', 'both', ...process.argv.slice(2)]);
