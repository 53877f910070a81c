/** `seqcast conformance DIR`: parse, call, print. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CaseResult } from '../conformance/run.js';
import { runConformanceDir } from '../conformance/dir.js';
import type { DType } from '../tensor.js';

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('run every *.json reference case in DIR and end with "N passed, M failed"')
    .argument(
      '<dir>',
      'folder of conformance cases (format: test/fixtures/conformance/FORMAT.md in the repository)',
    )
    .addOption(
      new Option('--dtype <dtype>', 'precision to compute in')
        .choices(['float32', 'float64'])
        .default('float32'),
    )
    .option('--verbose', 'print every comparison of every case', false)
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast conformance test/fixtures/conformance
  $ seqcast conformance cases/ --dtype float64     # agrees with the float64 references to ~1e-12
  $ seqcast conformance cases/ --backend wasm      # one backend (every backend passes every case)

Each case prints PASS, FAIL (with the comparison that failed) or UNREADABLE (a missing or unknown field,
a malformed tensor). Exit status 1 when any case failed or
could not be read.`,
    )
    .action((dir: string, opts: { dtype: DType; verbose: boolean }) => {
      const summary = runConformanceDir(dir, { dtype: opts.dtype });
      for (const r of summary.results) {
        console.log(formatResult(r));
        if (opts.verbose) {
          for (const c of r.checks) {
            console.log(
              `    ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: max error ${c.maxError.toExponential(2)} (bound ${c.bound.toExponential(2)})`,
            );
          }
        }
      }
      console.log(`${summary.passed} passed, ${summary.failed} failed`);
      process.exitCode = summary.failed > 0 ? 1 : 0;
    });
}

function formatResult(r: CaseResult): string {
  switch (r.status) {
    case 'passed': {
      const worst = (group: CheckGroup): string =>
        Math.max(
          0,
          ...r.checks.filter((c) => groupOf(c.what) === group).map((c) => c.relError),
        ).toExponential(1);
      if (r.kind === 'workflow') return `PASS  ${r.name}  (relative error ${worst('forward')})`;
      const weights = r.kind === 'trainStep' ? `, weights ${worst('weights')}` : '';
      return `PASS  ${r.name}  (relative error: forward ${worst('forward')}, backward ${worst('backward')}${weights})`;
    }
    case 'failed':
      return `FAIL  ${r.name}: ${r.message ?? ''}`;
    case 'unreadable':
      return `UNREADABLE  ${r.name}: ${r.message ?? ''}`;
  }
}

type CheckGroup = 'forward' | 'backward' | 'weights';

/** Which tolerance a comparison falls under, from its label (`grads …`, `steps[0].weightsAfter …`, `output`). */
function groupOf(what: string): CheckGroup {
  if (/weightsAfter/.test(what)) return 'weights';
  if (/grads|clippedGrads/i.test(what)) return 'backward';
  return 'forward';
}
