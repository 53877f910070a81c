import { describe, expect, it } from 'vitest';
import { Series, nextLabels, pctChange, readCsv } from '../src/series/index.js';

const months = (offset: string, n = 6): string[] =>
  Array.from({ length: n }, (_, i) => {
    const y = 1949 + Math.floor(i / 12);
    const m = (i % 12) + 1;
    return `${y}-${String(m).padStart(2, '0')}-01T00:00:00${offset}`;
  });
const csv = (labels: readonly string[]): string =>
  `date,passengers\n${labels.map((l, i) => `${l},${100 + i}`).join('\n')}\n`;

describe('dates written with a UTC offset', () => {
  it('one offset in every row: the calendar is read where the data was written (monthly, not "every 86400000 steps")', () => {
    const s = readCsv(csv(months('+05:00', 14)), { source: 'tz.csv' });
    expect(s.frequency).toEqual({ unit: 'month', step: 1 });
    expect(s.utcOffset).toBe(300);
    expect(s.label(0)).toBe('1949-01-01T00:00:00+05:00');
    expect(s.labels()).toEqual(months('+05:00', 14));
    expect(nextLabels(s, 2)).toEqual(['1950-03-01T00:00:00+05:00', '1950-04-01T00:00:00+05:00']);
    // The label reads back to the instant it names.
    expect(new Date(s.label(0)).getTime()).toBe(Date.UTC(1948, 11, 31, 19));
  });

  it('negative offsets, times of day and milliseconds keep their wall clock', () => {
    const s = Series.fromColumns({
      index: [
        '2020-03-01T09:30:00.250-07:30',
        '2020-03-02T09:30:00.250-07:30',
        '2020-03-03T09:30:00.250-07:30',
      ],
      columns: { y: [1, 2, 3] },
    });
    expect(s.utcOffset).toBe(-450);
    expect(s.frequency).toEqual({ unit: 'step', step: 86_400_000 });
    expect(s.label(2)).toBe('2020-03-03T09:30:00.250-07:30');
    expect(nextLabels(s, 1)).toEqual(['2020-03-04T09:30:00.250-07:30']);
  });

  it('daily data at local midnight with one offset is daily', () => {
    const s = Series.fromColumns({
      index: ['2021-06-04T00:00:00+02:00', '2021-06-05T00:00:00+02:00', '2021-06-06T00:00:00+02:00'],
      columns: { y: [1, 2, 3] },
    });
    expect(s.frequency).toEqual({ unit: 'day', step: 1 });
    expect(nextLabels(s, 1)).toEqual(['2021-06-07T00:00:00+02:00']);
  });

  it('slice, select, resample and pctChange keep the offset; bounds are read on its wall clock', () => {
    const s = readCsv(csv(months('+05:00', 24)), { source: 'tz.csv' });
    const sliced = s.slice({ from: '1949-03-01', to: '1949-05-01T00:00:00+05:00' });
    expect(sliced.labels()).toEqual(months('+05:00', 5).slice(2));
    // The same instant written in UTC selects the same row.
    expect(s.slice({ from: '1949-02-28T19:00:00Z', to: '1949-03-01' }).length).toBe(1);
    expect(s.select(['passengers']).utcOffset).toBe(300);
    expect(pctChange(s, 'passengers').label(0)).toBe('1949-02-01T00:00:00+05:00');
    const yearly = s.resample('year', 'mean');
    expect(yearly.labels()).toEqual(['1949-01-01T00:00:00+05:00', '1950-01-01T00:00:00+05:00']);
    expect(Array.from(yearly.column('passengers'))).toEqual([105.5, 117.5]);
  });

  it('no offset, Z, +00:00, or offsets that differ: UTC instants, as before', () => {
    expect(readCsv(csv(months('', 3).map((l) => l.slice(0, 10)))).utcOffset).toBeUndefined();
    const z = readCsv(csv(months('Z', 3)));
    expect(z.utcOffset).toBeUndefined();
    expect(z.frequency).toEqual({ unit: 'month', step: 1 });
    expect(readCsv(csv(months('+00:00', 3))).labels()).toEqual(['1949-01-01', '1949-02-01', '1949-03-01']);
    // A daylight-saving change: +01:00 in winter, +02:00 in summer, every row at local midnight.
    const mixed = Series.fromColumns({
      index: ['2021-03-27T00:00:00+01:00', '2021-03-28T00:00:00+01:00', '2021-03-29T00:00:00+02:00'],
      columns: { y: [1, 2, 3] },
    });
    expect(mixed.utcOffset).toBeUndefined();
    expect(mixed.labels()).toEqual([
      '2021-03-26T23:00:00.000Z',
      '2021-03-27T23:00:00.000Z',
      '2021-03-28T22:00:00.000Z',
    ]);
  });

  it('a bad date among offset dates still names its row', () => {
    const labels = months('+05:00', 3);
    labels[1] = '1949-02-30T00:00:00+05:00';
    expect(() => readCsv(csv(labels), { source: 'tz.csv' })).toThrow(
      /tz\.csv: row 3, column 'date': '1949-02-30T00:00:00\+05:00' is not an ISO date/,
    );
  });
});
