/**
 * The datasets seqcast knows by name (provenance, licences and caveats in datasets/README.md). Metadata
 * only, so this module is safe in the browser: reading a file is the caller's job, then
 * `readCsv(text, { source: info.file })`. In Node, `datasetPath` / `loadDataset` (series/dataset-files.ts)
 * find the file. The R datasets are bundled in `datasets/`; the others came from other public repositories
 * and are not shipped (`bundled: false`): they are read in place from a data folder.
 */
import { SeqcastError } from '../errors.js';
import type { Frequency } from './frequency.js';

export type DatasetName =
  | 'sp500'
  | 'sp500-full'
  | 'sunspots'
  | 'sunspots-long'
  | 'air-passengers'
  | 'melbourne-temp'
  | 'natural-gas'
  | 'uk-seatbelts';

export interface DatasetInfo {
  readonly name: DatasetName;
  /** File name, inside `datasets/` when bundled, else inside a data folder. */
  readonly file: string;
  /** Shipped in `datasets/` (the R datasets); false: read from a data folder (see datasetPath). */
  readonly bundled: boolean;
  readonly frequency: Frequency;
  readonly description: string;
  /** The column to forecast when none is named. */
  readonly valueColumn: string;
}

const MONTHLY: Frequency = { unit: 'month', step: 1 };

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  sp500: {
    name: 'sp500',
    bundled: false,
    file: 'sp500_monthly.csv',
    frequency: MONTHLY,
    description:
      'S&P 500 index level, monthly mean of daily closes, 1871-01 to 2026-06 (Shiller, extended with FRED; last rows provisional)',
    valueColumn: 'price',
  },
  'sp500-full': {
    name: 'sp500-full',
    bundled: false,
    file: 'sp500_monthly_full.csv',
    frequency: MONTHLY,
    description:
      'S&P 500 with dividend, earnings, CPI, long rate, real values and CAPE (Shiller), monthly, 1871-01 to 2026-06; several columns have missing values',
    valueColumn: 'price',
  },
  sunspots: {
    name: 'sunspots',
    bundled: true,
    file: 'sunspots_monthly.csv',
    frequency: MONTHLY,
    description: 'Monthly mean sunspot number (R `sunspots`, version 1 scale), 1749-01 to 1983-12',
    valueColumn: 'sunspots',
  },
  'sunspots-long': {
    name: 'sunspots-long',
    bundled: true,
    file: 'sunspots_monthly_long.csv',
    frequency: MONTHLY,
    description: 'Monthly mean sunspot number (R `sunspot.month`, version 1 scale), 1749-01 to 2013-09',
    valueColumn: 'sunspots',
  },
  'air-passengers': {
    name: 'air-passengers',
    bundled: true,
    file: 'air_passengers_monthly.csv',
    frequency: MONTHLY,
    description:
      'International airline passengers in thousands (Box & Jenkins Series G), monthly, 1949-01 to 1960-12',
    valueColumn: 'passengers',
  },
  'melbourne-temp': {
    name: 'melbourne-temp',
    bundled: false,
    file: 'melbourne_min_temp_daily.csv',
    frequency: { unit: 'day', step: 1 },
    description:
      'Daily minimum temperature in Melbourne, °C, 1981-01-01 to 1990-12-31; 2 missing days; no explicit licence',
    valueColumn: 'temp',
  },
  'natural-gas': {
    name: 'natural-gas',
    bundled: false,
    file: 'natural_gas_daily.csv',
    frequency: { unit: 'businessDay', step: 1 },
    description:
      'Henry Hub natural gas spot price, US$/MMBtu, trading days, 1997-01-07 to 2026-08-18 (EIA); 1 missing value',
    valueColumn: 'price',
  },
  'uk-seatbelts': {
    name: 'uk-seatbelts',
    bundled: true,
    file: 'uk_seatbelts_monthly.csv',
    frequency: MONTHLY,
    description:
      'Road casualties in Great Britain with the seat-belt law indicator (R `Seatbelts`), monthly, 1969-01 to 1984-12, 8 columns',
    valueColumn: 'drivers_killed',
  },
};

/** The catalogue entry of a named dataset. */
export function datasetInfo(name: string): DatasetInfo {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new SeqcastError(
      'config',
      `datasetInfo(): no bundled dataset ${JSON.stringify(name)}; available: ${Object.keys(DATASETS).join(', ')}`,
    );
  }
  return DATASETS[name as DatasetName];
}

/**
 * The labelled text datasets (issue 17), read by `seqcast classify` and `readLabelledCsv`: a text column and
 * a label column per row. Like the datasets above that came from other public repositories, they are never
 * bundled: they are read in place from a data folder (SEQCAST_DATA_DIR or the shared data folder).
 */
export interface LabelledDatasetInfo {
  readonly name: string;
  readonly file: string;
  readonly bundled: false;
  readonly description: string;
  readonly textColumn: string;
  readonly labelColumn: string;
}

export const LABELLED_DATASETS: Readonly<Record<string, LabelledDatasetInfo>> = {
  sentiment: {
    name: 'sentiment',
    file: 'sentiment_sentences.csv',
    bundled: false,
    description:
      'Sentiment Labelled Sentences (UCI; Kotzias et al., KDD 2015): 2,990 review sentences from Amazon, Yelp and IMDb, 1–71 words, labelled 0 (negative) or 1 (positive); CC BY 4.0',
    textColumn: 'text',
    labelColumn: 'label',
  },
};
