import { type Band } from '@sferum/contracts';

/**
 * The traffic-light colours of the bands, one set for everything the KPI
 * service draws: the report page, the weekly report page and the weekly
 * workbook's cell fills (green, yellow, red; the text darker than its fill,
 * so that a band still reads when printed in grey).
 */
export const BAND_COLOURS: Record<Band, { readonly text: string; readonly fill: string }> = {
  good: { text: '#2e7d32', fill: '#c8e6c9' },
  average: { text: '#8d6e00', fill: '#fff3a0' },
  below_norm: { text: '#b71c1c', fill: '#ffcdd2' },
};

/** A withheld figure (a small cell): grey, no band colour. */
export const WITHHELD_COLOURS = { text: '#555555', fill: '#eeeeee' } as const;

/** The colours as the CSS custom properties the pages' styles use. */
export const BAND_COLOUR_CSS =
  `:root { --good: ${BAND_COLOURS.good.text}; --good-bg: ${BAND_COLOURS.good.fill}; ` +
  `--average: ${BAND_COLOURS.average.text}; --average-bg: ${BAND_COLOURS.average.fill}; ` +
  `--low: ${BAND_COLOURS.below_norm.text}; --low-bg: ${BAND_COLOURS.below_norm.fill}; ` +
  `--withheld: ${WITHHELD_COLOURS.text}; --withheld-bg: ${WITHHELD_COLOURS.fill}; }`;
