// Runs a TypeScript script (decorators included) through Vite's module runner,
// the same transform the tests use: `node scripts/run-ts.mjs scripts/matrix/run.ts`.
import process from 'node:process';
import { runnerImport } from 'vite';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/run-ts.mjs <file.ts>');
await runnerImport(file.startsWith('.') || file.startsWith('/') ? file : `./${file}`, { configFile: false, logLevel: 'error' });
