/** Runs every `*.json` case of a folder (Node only: it reads files). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SeqcastError } from '../errors.js';
import type { CaseResult, RunOptions } from './run.js';
import { runCase } from './run.js';

export interface ConformanceSummary {
  readonly results: readonly CaseResult[];
  readonly passed: number;
  /** Failed and unreadable cases. */
  readonly failed: number;
}

export function runConformanceDir(dir: string, options: RunOptions = {}): ConformanceSummary {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    throw new SeqcastError('case', `conformance: '${dir}' is not a readable folder`);
  }
  if (files.length === 0) throw new SeqcastError('case', `conformance: '${dir}' holds no *.json case`);
  const results = files.map((file) => {
    const name = file.slice(0, -'.json'.length);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      return {
        name,
        kind: '?',
        status: 'unreadable',
        checks: [],
        message: `${file}: ${(e as Error).message}`,
      } as CaseResult;
    }
    return runCase(json, name, options);
  });
  return {
    results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed' || r.status === 'unreadable').length,
  };
}
