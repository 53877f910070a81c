// Names from the data cannot break a report: Markdown escaping, Vega titles (issue 15).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { code, text } from '../src/report/markdown.js';
import { safeTitle } from '../src/report/plots.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

function trainOn(column: string): { out: string; stdout: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'seqcast-names-'));
  const rows = Array.from({ length: 100 }, (_, i) => {
    const d = new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 10);
    return `${d},${(100 + i + 10 * Math.sin(i)).toFixed(3)}`;
  });
  const header = /[",\n]/.test(column) ? `"${column.replaceAll('"', '""')}"` : column;
  writeFileSync(join(dir, 'data.csv'), `date,${header}\n${rows.join('\n')}\n`);
  const out = join(dir, 'r');
  const r = spawnSync(
    'node',
    [CLI, 'train', join(dir, 'data.csv'), '--epochs', '1', '--out', out, '--quiet'],
    {
      encoding: 'utf8',
    },
  );
  return { out, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('Markdown from names', () => {
  it('text() shows HTML and Markdown punctuation as written', () => {
    expect(text('a `<img src=x onerror=alert(1)>` | *b* & c\nd')).toBe(
      'a \\`&lt;img src=x onerror=alert(1)&gt;\\` \\| \\*b\\* &amp; c d',
    );
  });
  it('code() picks a fence longer than any backtick run', () => {
    expect(code('price')).toBe('`price`');
    expect(code('a `b` c')).toBe('``a `b` c``');
    expect(code('`x`')).toBe('`` `x` ``');
    expect(code('a|b')).toBe('`a\\|b`');
  });
  it('a column named with backticks and HTML gives a report.md without raw HTML', () => {
    const r = trainOn('a `<img src=x onerror=alert(1)>` | b');
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(r.out, 'report.md'), 'utf8');
    // HTML may appear only where Markdown shows it as code: in a code span or a fenced block
    const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/<img/);
    expect(md).toContain('``a `<img src=x onerror=alert(1)>` \\| b``');
  });
});

describe('plot titles', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'a column named %s is trained, plotted and reported',
    (name) => {
      const r = trainOn(name);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/could not be drawn/);
      expect(readdirSync(r.out)).toContain('series.svg');
    },
  );
  it('safeTitle() changes only Object.prototype names', () => {
    expect(safeTitle('constructor')).toBe('constructor\u200b');
    expect(safeTitle('price')).toBe('price');
  });
});
