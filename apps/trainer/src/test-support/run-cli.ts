// The CLI as its bin runs it, from sources (tests spawn it with `node --import tsx`).
import { runCli } from '../cli.js';

process.exitCode = await runCli(process.argv.slice(2));
