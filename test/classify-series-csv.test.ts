// readLabelledSeriesCsv: variable-length series in long format (id, step, features…, label) (issue 17).
import { describe, expect, it } from 'vitest';
import { readLabelledSeriesCsv } from '../src/classify/series-csv.js';

describe('readLabelledSeriesCsv(text, options)', () => {
  it('groups rows by id in order of first appearance and sorts each sequence by its step', () => {
    const csv = 'id,step,x,y,label\nb,2,5,6,pos\na,1,1,2,neg\nb,1,3,4,pos\na,0,0,0,neg\na,2,9,9,neg\n';
    const r = readLabelledSeriesCsv(csv);
    expect(r.ids).toEqual(['b', 'a']);
    expect(r.labels).toEqual(['pos', 'neg']);
    expect(r.features).toEqual(['x', 'y']);
    expect(r.sequences).toEqual([
      [
        [3, 4],
        [5, 6],
      ],
      [
        [0, 0],
        [1, 2],
        [9, 9],
      ],
    ]);
  });

  it('keeps the file order without a step column, and reads the columns it is told', () => {
    const r = readLabelledSeriesCsv('seq,v,w,cls\n1,3,0,a\n1,1,0,a\n2,2,0,b\n', {
      idColumn: 'seq',
      labelColumn: 'cls',
      features: ['v'],
    });
    expect(r.sequences).toEqual([[[3], [1]], [[2]]]);
  });

  it('names the row and column of every bad field in one line', () => {
    const bad =
      (csv: string): (() => unknown) =>
      () =>
        readLabelledSeriesCsv(csv, { source: 'f.csv' });
    expect(bad('id,step,x,label\na,0,1,p\na,1,2,q\n')).toThrow(
      /^f\.csv: row 3: sequence 'a' has label 'q' here but 'p' on row 2; a sequence has one label$/,
    );
    expect(bad('id,step,x,label\na,0,1,p\na,0,2,p\n')).toThrow(
      /^f\.csv: rows 2 and 3: sequence 'a' has step 0 twice$/,
    );
    expect(bad('id,step,x,label\na,0,one,p\n')).toThrow(/^f\.csv: row 2, column 'x': 'one' is not a number;/);
    expect(bad('id,step,x,label\na,0,,p\n')).toThrow(/^f\.csv: row 2, column 'x': the value is empty;/);
    expect(bad('id,step,x,label\na,0.5,1,p\n')).toThrow(
      /^f\.csv: row 2, column 'step': '0\.5' is not an integer step$/,
    );
    expect(bad('id,step,x,label\na,0,1,\n')).toThrow(
      /^f\.csv: row 2: the label \(column 'label'\) is empty;/,
    );
    expect(bad('id,step,label\na,0,p\n')).toThrow(
      /^f\.csv: no feature columns besides 'id', 'label', 'step'$/,
    );
    expect(bad('name,x,label\na,1,p\n')).toThrow(
      /^f\.csv: no column 'id' \(--id\); the columns are name, x, label$/,
    );
  });
});
