import { layouts, type LayoutName } from './layouts.js';
import { packSkeleton, type PackSkeletonOptions } from './pack-skeleton.js';
import { packSkeleton2d } from './pack-skeleton-2d.js';
import type { ParseSkeletonOptions } from './parse-skeleton.js';
import type { SkeletonFile } from './skeleton-file.js';
import type { SkeletonSample } from './skeleton-sample.js';

/** Options of {@link packSkeletonAs}: `packSkeleton`'s, with any layout. */
export type PackAnyLayoutOptions = Omit<PackSkeletonOptions, 'layout'> & {
  /** Default `'ntu25'`. */
  readonly layout?: LayoutName;
};

type Layout3d = NonNullable<PackSkeletonOptions['layout']>;
type Layout2d = Exclude<LayoutName, Layout3d>;
const is2d = (layout: LayoutName): layout is Layout2d => layouts[layout].dimensions === 2;

/** The fields a `.skeleton` file must be parsed with for `layout`: the colour coordinates only `ntu25-2d` reads. */
export function skeletonFieldsFor(layout: LayoutName = 'ntu25'): NonNullable<ParseSkeletonOptions['fields']> {
  return layout === 'ntu25-2d' ? 'all' : 'xyz';
}

/**
 * A parsed file packed for `layout`: the 3D layouts by `packSkeleton` (selection, centring, view
 * alignment), the 2D ones by `packSkeleton2d`, which only fits time (`transform.time`; `false`:
 * crop/pad). The one dispatch for files, folders and the synthetic set.
 */
export function packSkeletonAs(file: SkeletonFile, options: PackAnyLayoutOptions = {}): SkeletonSample {
  const layout = options.layout ?? 'ntu25';
  if (!is2d(layout)) return packSkeleton(file, { ...options, layout });
  const { frames, persons, select, label, transform } = options;
  const time = transform === false ? 'fit' : (transform?.time ?? 'resample');
  return packSkeleton2d(file, { layout, time, ...(frames !== undefined ? { frames } : {}), ...(persons !== undefined ? { persons } : {}), ...(select !== undefined ? { select } : {}), ...(label !== undefined ? { label } : {}) });
}
