#!/usr/bin/env node
/**
 * The `seqcast` command. Each command is a thin shell around library calls: parse, call, print.
 * Exit status: 0 success, 1 failure, 2 usage error. A SeqcastError prints its one-line message, no stack.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SeqcastError } from '../errors.js';
import { registerConformance } from './conformance.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command();
program
  .name('seqcast')
  .description('Recurrent networks and honest time-series forecasting')
  .version(pkg.version)
  .exitOverride()
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Examples:
  $ seqcast conformance ../shared/conformance`,
  );
registerConformance(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed by commander
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof SeqcastError) {
    console.error(`seqcast: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
