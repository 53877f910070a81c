import { describe, expect, it } from 'vitest';
import { formatCsv, readCsv } from '../src/series/csv.js';

describe('formatCsv(header, rows)', () => {
  it('quotes names holding a comma, a quote or a line break, so seqcast reads its own output back', () => {
    const header = ['date', 'price, usd', 'say "hi"', 'two\nlines'];
    const text = formatCsv(header, [
      ['2020-01-01', 1.5, -2, 3],
      ['2020-02-01', 2.5, -0.25, 4e-12],
    ]);
    expect(text.split('\n')[0]).toBe('date,"price, usd","say ""hi""","two\nlines"'.split('\n')[0]);
    expect(text.endsWith('\n')).toBe(true);
    const back = readCsv(text);
    expect(back.names).toEqual(header.slice(1));
    expect(Array.from(back.column('price, usd'))).toEqual([1.5, 2.5]);
    expect(Array.from(back.column('say "hi"'))).toEqual([-2, -0.25]);
    expect(Array.from(back.column('two\nlines'))).toEqual([3, 4e-12]);
  });

  it('neutralises text that a spreadsheet would run as a formula, never numbers', () => {
    const text = formatCsv(['date', '=cmd()', '+x', '@y', '-z'], [['2020-01-01', -1, -2.5, 3, -4]]);
    expect(text).toBe(`date,"'=cmd()","'+x","'@y","'-z"\n2020-01-01,-1,-2.5,3,-4\n`);
    expect(formatCsv(['t', 'v'], [['\tTAB', 1]])).toBe(`t,v\n"'\tTAB",1\n`);
  });

  it('refuses non-finite numbers and rows of the wrong width', () => {
    expect(() => formatCsv(['date', 'y'], [['2020-01-01', Infinity]], 'out.csv')).toThrow(
      /out\.csv: row 1, column 'y' is Infinity; only finite numbers are written/,
    );
    expect(() => formatCsv(['date', 'y'], [['2020-01-01', Number.NaN]])).toThrow(/is NaN/);
    expect(() => formatCsv(['date', 'y'], [['2020-01-01']])).toThrow(/row 1 has 1 fields but the header 2/);
  });
});

describe('input quoted in messages is cut short', () => {
  it('a 10 MB field is named by its first characters and its length', () => {
    const huge = 'x'.repeat(10_000_000);
    let message = '';
    try {
      readCsv(`date,y\n2020-01-01,${huge}\n`, { source: 'big.csv' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^big\.csv: row 2, column 'y': 'x{60}…' \(10,000,000 characters\) is not a number; write a plain decimal/,
    );
    expect(message.length).toBeLessThan(300);
  });

  it('a huge date or column name too', () => {
    expect(() => readCsv(`date,y\n${'9'.repeat(5000)},1\n`)).toThrow(
      /'9{60}…' \(5,000 characters\) is not a safe integer/,
    );
    expect(() => readCsv(`${'d'.repeat(5000)}\n1\n`)).toThrow(
      /has one column, 'd{60}…' \(5,000 characters\);/,
    );
  });
});
