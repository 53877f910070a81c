/**
 * `seqcast export <model> --format onnx|keras [--out FILE] [--force]`: a model folder (or a Keras file) as an
 * ONNX file for onnxruntime and other ONNX engines, or as a Keras 3 `.keras` file. Files are written
 * atomically (io/output-folder.ts) and an existing one is replaced only with --force.
 *
 * An ONNX file holds the network only. A forecaster's or classifier's folder also holds what goes around the
 * network (a forecaster's transform, scaler, window and columns; a classifier's vocabulary and classes):
 * that state is written beside the ONNX file as `NAME.seqcast.json`, with the graph's input and output.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SeqcastError } from '../errors.js';
import { checkOutputPath, writeOutputFile } from '../io/output-folder.js';
import { modelFromJson, readMetadata } from '../model/artifacts.js';
import { readArtifacts } from '../model/io-node.js';
import { loadKerasModel, saveKerasModel } from '../model/keras/io-node.js';
import { ONNX_INPUT, ONNX_OUTPUT, onnxDims, toOnnx } from '../model/onnx/to-onnx.js';
import type { Sequential } from '../model/sequential.js';
import { isKerasFile } from './inputs.js';

interface Flags {
  format?: string;
  out?: string;
  force?: boolean;
}

const FORMATS = ['onnx', 'keras'] as const;

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a model as an ONNX file (onnxruntime, any ONNX server) or a Keras 3 .keras file')
    .argument(
      '<model>',
      "a model folder (model.json and weights; a train report's folder or its model/), or a Keras file",
    )
    .option('--format <format>', `${FORMATS.join(' or ')}`)
    .option('--out <file>', 'the file to write (default: beside the folder, MODEL.onnx or MODEL.keras)')
    .option('--force', 'replace the file if it exists')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast export report/model --format onnx                 # report/model.onnx (+ model.seqcast.json)
  $ seqcast export sentiment-model --format onnx --out sentiment.onnx
  $ seqcast export report/model --format keras --out model.keras

The ONNX graph reads 'input' (float32 [batch, time, features]; token ids as numbers for an Embedding model)
and writes 'output'; batch and time are free. It holds the network only: a forecaster's transform and scaler
(and a classifier's vocabulary) are applied outside it, with the parameters written to NAME.seqcast.json.`,
    )
    .action(async (path: string, flags: Flags) => {
      const format = flags.format;
      if (format === undefined || !(FORMATS as readonly string[]).includes(format)) {
        throw new SeqcastError(
          'config',
          `seqcast export: give --format ${FORMATS.join(' or ')}${format === undefined ? '' : ` (got '${format}')`}`,
        );
      }
      const { model, metadata, folder } = await readModel(path);
      const out = flags.out ?? `${folder.replace(/[\\/]+$/, '')}.${format}`;
      checkOutputPath(out, '--out');
      const force = flags.force === true;
      refuseExisting(out, force);
      const layers = model.layers.map((l) => l.className).join(' → ');
      if (format === 'keras') {
        await saveKerasModel(model, out, { overwrite: force });
        process.stdout.write(`wrote ${out}: ${layers}, Keras 3 .keras\n`);
        return;
      }
      const bytes = toOnnx(model);
      const sidecar = sidecarOf(model, metadata, basename(out));
      const sidecarPath = out.replace(/\.onnx$/i, '') + '.seqcast.json';
      if (sidecar !== null) refuseExisting(sidecarPath, force);
      await writeOutputFile(out, bytes);
      process.stdout.write(
        `wrote ${out}: ${layers}, ONNX (IR 8, opset 17), ${bytes.length.toLocaleString('en-US')} bytes\n` +
          `  input '${ONNX_INPUT}' float32 [${inputDims(model).join(', ')}], output '${ONNX_OUTPUT}' [${outputDims(model).join(', ')}]\n`,
      );
      if (sidecar !== null) {
        await writeOutputFile(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
        process.stdout.write(`wrote ${sidecarPath}: ${sidecar.note}\n`);
      }
    });
}

async function readModel(
  path: string,
): Promise<{ model: Sequential; metadata: Record<string, unknown> | null; folder: string }> {
  if (isKerasFile(path)) {
    const model = await loadKerasModel(path);
    return { model, metadata: null, folder: path.replace(/\.(keras|h5)$/i, '') };
  }
  // a train report's folder holds its model in model/
  const folder =
    !existsSync(join(path, 'model.json')) && existsSync(join(path, 'model', 'model.json'))
      ? join(path, 'model')
      : path;
  const artifacts = await readArtifacts(folder);
  const model = modelFromJson(
    artifacts.modelJson,
    new Uint8Array(artifacts.weightData),
    join(resolve(folder), 'model.json'),
    {},
  );
  return { model, metadata: readMetadata(artifacts.modelJson), folder };
}

function refuseExisting(path: string, force: boolean): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory())
    throw new SeqcastError('io', `'${path}' is a folder; give a file path with --out`);
  if (!force) throw new SeqcastError('io', `'${path}' already exists; add --force to replace it`);
}

function inputDims(model: Sequential): (string | number)[] {
  return onnxDims(model).input;
}

function outputDims(model: Sequential): (string | number)[] {
  return onnxDims(model).output;
}

/** What goes around the network, for a forecaster's or classifier's folder; null for a plain model. */
function sidecarOf(
  model: Sequential,
  metadata: Record<string, unknown> | null,
  onnxFile: string,
): ({ note: string } & Record<string, unknown>) | null {
  if (metadata === null) return null;
  const io = {
    onnx: onnxFile,
    input: { name: ONNX_INPUT, dims: inputDims(model) },
    output: { name: ONNX_OUTPUT, dims: outputDims(model) },
  };
  if (metadata.forecaster !== undefined) {
    return {
      note:
        "the forecaster's state: the ONNX graph reads windows already transformed and scaled with these parameters, " +
        'and its outputs are scaled values (invert the scaler, then the transform)',
      ...io,
      forecaster: metadata.forecaster,
      ...(metadata.intervals !== undefined ? { intervals: metadata.intervals } : {}),
    };
  }
  if (metadata.classifier !== undefined) {
    const binary = model.outputShape[model.outputShape.length - 1] === 1;
    return {
      note:
        "the classifier's state: the ONNX graph reads its inputs as the classifier makes them (a text's token ids " +
        'from its vectorizer, padded to inputLength; a series scaled with its scaler) and gives ' +
        (binary
          ? 'p(classes[1]) (a sigmoid; classes[0] has 1 − p)'
          : 'the probabilities of the classes, in their order'),
      ...io,
      classifier: metadata.classifier,
    };
  }
  return null;
}
