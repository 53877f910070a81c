/** Written at build time by web/shared-data.ts: the labelled datasets found beside the build (maybe none). */
declare module 'virtual:seqcast-labelled-datasets' {
  export const labelledDatasets: Readonly<
    Record<
      string,
      {
        readonly file: string;
        readonly description: string;
        readonly textColumn: string;
        readonly labelColumn: string;
        load(): Promise<string>;
      }
    >
  >;
}
