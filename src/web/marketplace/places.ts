/**
 * Places a renter can pick instead of typing coordinates (the search page has no map and needs no
 * script): a few city centres, chosen by key. `custom` means the latitude and longitude fields.
 */
export interface Place {
  key: string;
  label: string;
  latitude: number;
  longitude: number;
}

export const PLACES: readonly Place[] = [
  { key: 'nyc-midtown', label: 'New York — Midtown', latitude: 40.7549, longitude: -73.984 },
  { key: 'nyc-downtown', label: 'New York — Financial District', latitude: 40.7075, longitude: -74.0113 },
  { key: 'sf-soma', label: 'San Francisco — SoMa', latitude: 37.7785, longitude: -122.4056 },
  { key: 'chicago-loop', label: 'Chicago — The Loop', latitude: 41.8837, longitude: -87.6289 },
  { key: 'london-soho', label: 'London — Soho', latitude: 51.5136, longitude: -0.1365 },
  { key: 'paris-opera', label: 'Paris — Opéra', latitude: 48.8719, longitude: 2.3316 },
];

export function placeOf(key: string | undefined): Place | undefined {
  return PLACES.find((p) => p.key === key);
}

/** Search radii offered (products.md §1: default 1600 m, at most 20000 m). */
export const RADII_M: readonly number[] = [400, 800, 1600, 5000, 20000];
export const DEFAULT_RADIUS_M = 1600;
