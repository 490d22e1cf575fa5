/** A fraction as a percentage with one decimal (`0.123` -> `12.3%`); '–' for a missing or non-finite one. */
export const percent = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)}%`);
