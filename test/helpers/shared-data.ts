/**
 * Tests that need what the repository may not hold: the datasets that came from other public repositories
 * (sp500, sp500-full, melbourne-temp, natural-gas) and the conformance case built on the S&P 500 data. They
 * read it in place from the project's shared folder beside the repository (`../shared`), or from
 * SEQCAST_DATA_DIR for the datasets (the same resolver the library uses). Where it is absent the tests are
 * skipped with a message naming what is missing, so that `npm test` passes in a fresh clone; under CI
 * (`CI` set) nothing may be skipped, and a missing file fails the test file at once.
 * `SEQCAST_SHARED_DATA=0` hides the shared folder, from these tests as from the library, to try the skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findDataFile } from '../../src/series/dataset-files.js';

/** The project's shared folder, beside the repository. */
export const SHARED_DIR = join(import.meta.dirname, '..', '..', '..', 'shared');

const UNDER_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** Where a needed file is: `data/NAME` through the dataset resolver, anything else in the shared folder. */
function locate(file: string): string | null {
  if (file.startsWith('data/')) return findDataFile(basename(file), false);
  if (process.env.SEQCAST_SHARED_DATA === '0') return null;
  const path = join(SHARED_DIR, file);
  return existsSync(path) ? path : null;
}

export interface Needed {
  readonly available: boolean;
  /** '' when available; else ' (skipped: …)', to append to a describe title. */
  readonly note: string;
  /** The path of each needed file (throws when unavailable). */
  path(file: string): string;
  /** The text of a needed file (throws when unavailable). */
  text(file: string): string;
}

const warned = new Set<string>();

/**
 * What a test needs, as paths relative to the shared folder (`data/sp500_monthly.csv`,
 * `conformance/workflow_sp500_917pt_w12.json`). Use as `describe.skipIf(!need.available)(title + need.note, …)`
 * and read the files inside the tests (a skipped suite's body still runs).
 */
export function needs(...files: string[]): Needed {
  const absent = files.filter((f) => locate(f) === null);
  const reason =
    absent.length === 0
      ? ''
      : `needs ${absent.join(', ')} from the shared folder beside the repository (${SHARED_DIR})` +
        `${absent.some((f) => f.startsWith('data/')) ? ' or SEQCAST_DATA_DIR' : ''}, which is absent here`;
  if (absent.length > 0 && UNDER_CI) {
    throw new Error(`CI is set, so these tests must run, but: ${reason}`);
  }
  if (absent.length > 0 && !warned.has(reason)) {
    warned.add(reason);
    console.warn(`skipped: ${reason}`);
  }
  const path = (file: string): string => {
    const p = locate(file);
    if (p === null) throw new Error(`${file} is not available: ${reason}`);
    return p;
  };
  return {
    available: absent.length === 0,
    note: absent.length === 0 ? '' : ` (skipped: ${reason})`,
    path,
    text: (file) => readFileSync(path(file), 'utf8'),
  };
}
