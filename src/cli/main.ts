#!/usr/bin/env node
/**
 * The `seqcast` command. Each command is a thin shell around library calls: parse, call, print.
 * Exit status: 0 success, 1 failure, 2 usage error. A SeqcastError prints its one-line message, no stack.
 */
import { Command, CommanderError, Option } from 'commander';
import { SeqcastError } from '../errors.js';
import type { BackendName } from '../kernels/select.js';
import { resolveBackend, setDefaultBackend } from '../kernels/select.js';
import { registerBacktest } from './backtest.js';
import { registerClassify, registerPredict } from './classify.js';
import { registerConformance } from './conformance.js';
import { registerDatasets } from './datasets.js';
import { registerDemo } from './demo.js';
import { registerEvaluate } from './evaluate.js';
import { registerExplain } from './explain.js';
import { registerExport } from './export.js';
import { registerForecast } from './forecast.js';
import { registerImport } from './import.js';
import { packageVersion } from './package-root.js';
import { systemErrorMessage } from '../io/system-errors.js';
import { registerTrace } from './trace.js';
import { registerTrain } from './train.js';

const program = new Command();
program
  .name('seqcast')
  .description('Recurrent networks and honest time-series forecasting')
  .version(packageVersion())
  .option('--debug', 'show the stack trace of an error')
  .addOption(
    new Option('--backend <name>', 'what computes the products (auto: native, else wasm, else js)')
      .choices(['auto', 'native', 'wasm', 'js'])
      .env('SEQCAST_BACKEND'),
  )
  .hook('preAction', (cmd) => {
    const { backend } = cmd.opts<{ backend?: BackendName | 'auto' }>();
    if (backend !== undefined) {
      setDefaultBackend(backend);
      resolveBackend(backend, 'float32', '--backend'); // an unavailable backend fails here, in one line
    }
  })
  .exitOverride()
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Examples:
  $ seqcast demo                                   # the S&P 500 tutorial, done honestly (or air passengers)
  $ seqcast datasets                               # the named datasets
  $ seqcast train air-passengers --out report      # train, score beside baselines, write a report
  $ seqcast forecast report/model air-passengers --steps 12
  $ seqcast classify sentiment                     # texts in, a label out, beside the baselines
  $ seqcast explain vanishing                      # how far gradients reach back, per cell
  $ seqcast conformance test/fixtures/conformance  # the reference cases (from the repository)
  $ seqcast import model.keras --out model         # a Keras model file as a seqcast model folder
  $ seqcast export report/model --format onnx      # the model as an ONNX file, for onnxruntime
  $ seqcast --backend js demo                      # force the plain JavaScript kernels`,
  );
registerDemo(program);
registerDatasets(program);
registerTrain(program);
registerEvaluate(program);
registerForecast(program);
registerBacktest(program);
registerClassify(program);
registerPredict(program);
registerExplain(program);
registerTrace(program);
registerConformance(program);
registerImport(program);
registerExport(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed by commander
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof SeqcastError) {
    console.error(`seqcast: ${e.message}`);
    if (program.opts<{ debug?: boolean }>().debug === true) console.error(e.stack);
    process.exitCode = 1;
  } else if (systemErrorMessage(e) !== null) {
    console.error(`seqcast: ${systemErrorMessage(e)}`);
    if (program.opts<{ debug?: boolean }>().debug === true && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  } else {
    // Not a user error: a bug. Still one line, the stack only when asked for.
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    console.error(
      `seqcast: internal error: ${e instanceof Error ? e.message : String(e)}${debug ? '' : ' (rerun with --debug for the stack trace, and please report it)'}`,
    );
    if (debug && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  }
}
