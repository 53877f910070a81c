/** `seqcast import <file> --out <dir>`: a Keras model file converted to seqcast's model folder. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { SeqcastError } from '../errors.js';
import { saveModel } from '../model/io-node.js';
import { loadKerasModel } from '../model/keras/io-node.js';

interface Flags {
  out?: string;
  force?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('convert a Keras model file (.keras zip or HDF5 .h5) into a seqcast model folder')
    .argument(
      '<file>',
      'the file Keras model.save() wrote: Keras 3 .keras, or HDF5 from Keras 2 / tf.keras / Keras 3',
    )
    .option('--out <dir>', 'the model folder to write (model.json and weights, the TF.js layout)')
    .option('--force', 'replace the model the folder already holds')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast import gru_model.keras --out gru-model
  $ seqcast import bilstm_model.h5 --out bilstm --force

The format is told by the file's content, not its name. Every layer and weight is read or refused by name;
compile settings seqcast lacks and the optimizer's state are listed as not carried over.`,
    )
    .action(async (file: string, flags: Flags) => {
      if (flags.out === undefined) {
        throw new SeqcastError('config', 'give the model folder to write with --out <dir>');
      }
      const notes: string[] = [];
      const model = await loadKerasModel(file, { onSkip: (m) => notes.push(m) });
      try {
        await saveModel(model, flags.out, {
          overwrite: flags.force === true,
          metadata: { importedFrom: basename(file) },
        });
      } catch (e) {
        if (e instanceof SeqcastError && e.message.endsWith('pass { overwrite: true } to replace it')) {
          throw new SeqcastError('io', `'${flags.out}' already holds a model; add --force to replace it`);
        }
        throw e;
      }
      const layers = model.layers.map((l) => l.className).join(' → ');
      process.stdout.write(
        `imported ${basename(file)}: ${layers}, ${model.countParams().toLocaleString('en-US')} parameters` +
          `${model.compiled === null ? ', not compiled' : `, compiled (${model.compiled.optimizer.name}, ${model.compiled.loss.name})`}\n`,
      );
      for (const n of notes) process.stdout.write(`  ${n.slice(n.indexOf('not carried over'))}\n`);
      if (model.compiled?.optimizer.slots() != null) {
        process.stdout.write(
          `  not carried over: the optimizer's state (${model.compiled.optimizer.iterations} updates), which a model folder does not hold; ` +
            `to resume training with it, load the Keras file itself (loadKerasModel)\n`,
        );
      }
      process.stdout.write(`wrote ${flags.out}\n`);
    });
}
