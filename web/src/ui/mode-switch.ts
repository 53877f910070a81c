/** The mode tabs in the header: forecasting a series, or classifying texts. <body data-mode> says which. */
import { byId } from './dom';

export type Mode = 'forecast' | 'classify';

export function modeSwitch(onChange: (mode: Mode) => void = () => undefined): void {
  const tabs: Record<Mode, HTMLButtonElement> = {
    forecast: byId<HTMLButtonElement>('mode-forecast'),
    classify: byId<HTMLButtonElement>('mode-classify'),
  };
  const panels: Record<Mode, HTMLElement> = {
    forecast: byId('forecast-mode'),
    classify: byId('classify-mode'),
  };
  const show = (mode: Mode): void => {
    for (const m of ['forecast', 'classify'] as const) {
      tabs[m].setAttribute('aria-selected', String(m === mode));
      panels[m].hidden = m !== mode;
    }
    document.body.dataset.mode = mode;
    onChange(mode);
  };
  tabs.forecast.addEventListener('click', () => show('forecast'));
  tabs.classify.addEventListener('click', () => show('classify'));
  document.body.dataset.mode = 'forecast';
}
