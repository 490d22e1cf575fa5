import { describe, expect, it } from 'vitest';
import { assertSampleFitsLayout, layoutByName, layoutNames, layouts, ntuJointParents, type Layout } from './index.js';

const sorted = (pairs: readonly (readonly [number, number])[]) => pairs.map(([a, b]) => `${a}-${b}`).sort();

/** Every joint reaches the one root by its parents, without a cycle. */
function isTree(parents: readonly number[]): boolean {
  if (parents.filter((p) => p === -1).length !== 1) return false;
  return parents.every((_, start) => {
    let joint = start;
    for (let hops = 0; hops <= parents.length; hops++) {
      if (parents[joint] === -1) return true;
      joint = parents[joint]!;
    }
    return false;
  });
}

describe('layouts', () => {
  it('ntu25 is the NTU tree of the data package, with the graph of the official ST-GCN / CTR-GCN', () => {
    const ntu = layouts.ntu25;
    expect([ntu.joints, ntu.channels, ntu.centre]).toEqual([25, 3, 20]);
    expect(ntu.parents).toBe(ntuJointParents);
    // CTR-GCN graph/ntu_rgb_d.py `inward_ori_index` (1-based), copied from ST-GCN's net/utils/graph.py.
    const official = [
      [1, 2], [2, 21], [3, 21], [4, 3], [5, 21], [6, 5], [7, 6], [8, 7], [9, 21], [10, 9], [11, 10], [12, 11], [13, 1],
      [14, 13], [15, 14], [16, 15], [17, 1], [18, 17], [19, 18], [20, 19], [22, 23], [23, 8], [24, 25], [25, 12],
    ].map(([i, j]) => [i! - 1, j! - 1] as const);
    expect(sorted(ntu.edges)).toEqual(sorted(official));
  });

  it('ntu25-2d has the same joints and graph with x, y, confidence', () => {
    const flat = layouts['ntu25-2d'];
    expect(flat.channelNames).toEqual(['x', 'y', 'confidence']);
    expect([flat.joints, flat.parents, flat.edges, flat.centre]).toEqual([25, layouts.ntu25.parents, layouts.ntu25.edges, 20]);
  });

  it("coco17 is PYSKL's COCO graph (pyskl/utils/graph.py, layout 'coco', centre 0) as a tree", () => {
    const coco = layouts.coco17;
    expect([coco.joints, coco.channels, coco.centre]).toEqual([17, 3, 0]);
    expect(coco.channelNames).toEqual(['x', 'y', 'score']);
    const pyskl = [[15, 13], [13, 11], [16, 14], [14, 12], [11, 5], [12, 6], [9, 7], [7, 5], [10, 8], [8, 6], [5, 0], [6, 0], [1, 0], [3, 1], [2, 0], [4, 2]] as const;
    expect(sorted(coco.edges)).toEqual(sorted(pyskl));
    expect(coco.jointNames[9]).toBe('left wrist');
  });

  it('every layout is a tree whose bones are its parents, named and sized consistently', () => {
    for (const name of layoutNames) {
      const layout: Layout = layoutByName(name);
      expect(layout.name).toBe(name);
      expect(isTree(layout.parents), name).toBe(true);
      expect(layout.parents).toHaveLength(layout.joints);
      expect(layout.jointNames).toHaveLength(layout.joints);
      expect(layout.channelNames).toHaveLength(layout.channels);
      expect(layout.edges).toHaveLength(layout.joints - 1);
      expect(layout.parents[layout.centre], `${name}: the graph's centre is the tree's root`).toBe(-1);
    }
  });

  it('names what it expected', () => {
    expect(() => layoutByName('openpose')).toThrow(/unknown layout 'openpose'; expected one of ntu25, ntu25-2d, ntu25-live, coco17/);
    expect(() => assertSampleFitsLayout({ name: 'S001C001P001R001A001', joints: 25, channels: 3 }, layouts.coco17)).toThrow(
      /sample S001C001P001R001A001 has V=25, C=3; layout coco17 expects V=17 \(17 joints\), C=3 \(x, y, score\)/,
    );
    expect(() => assertSampleFitsLayout({ name: 's', joints: 25, channels: 3 }, layouts.ntu25)).not.toThrow();
  });
});
