import { NTU_JOINTS, NTU_STGCN_EDGES } from './ntu-graph.js';

/**
 * CTR-GCN's spatial graph (`labeling_mode='spatial'` in the reference's `graph/tools.py`
 * `get_spatial_graph`): three [V, V] subsets stacked as a flat Float32Array [3, V, V] indexed
 * [k][u][v], for the graph conv y[u] = sum_v A_k[u][v] x[v]:
 * - k = 0, identity: A[u][u] = 1;
 * - k = 1, inward: for every edge (joint, neighbour nearer the root), A[neighbour][joint] = 1 — a
 *   joint gathers from the joints one edge farther out —, each column divided by its sum
 *   (`normalize_digraph`);
 * - k = 2, outward: A[joint][neighbour] = 1, columns normalized (a joint with c outer neighbours gives 1/c).
 *
 * The default edges are the reference's (`graph/ntu_rgb_d.py` `inward`, the list of the official
 * ST-GCN): the data package's NTU tree with each hand tip hung off the thumb, so the result equals
 * the reference's `Graph(labeling_mode='spatial').A`. With `adaptive` (the reference's default) the
 * graph only initializes the learnable `PA`; a non-adaptive model keeps it as its fixed adjacency.
 */
export function ctrgcnSpatialGraph(
  numJoints: number = NTU_JOINTS,
  inward: readonly (readonly [number, number])[] = NTU_STGCN_EDGES,
): Float32Array {
  const v = numJoints;
  const a = new Float32Array(3 * v * v);
  for (let j = 0; j < v; j++) a[j * v + j] = 1;
  const gather = a.subarray(v * v, 2 * v * v);
  const spread = a.subarray(2 * v * v, 3 * v * v);
  for (const [joint, neighbour] of inward) {
    if (!(joint >= 0 && joint < v && neighbour >= 0 && neighbour < v)) {
      throw new RangeError(`ctrgcnSpatialGraph: edge (${joint}, ${neighbour}) outside joints 0..${v - 1}`);
    }
    gather[neighbour * v + joint] = 1;
    spread[joint * v + neighbour] = 1;
  }
  normalizeColumns(gather, v);
  normalizeColumns(spread, v);
  return a;
}
/** `normalize_digraph`: A D^-1 with D the column sums; empty columns stay zero. */
function normalizeColumns(a: Float32Array, v: number): void {
  for (let col = 0; col < v; col++) {
    let sum = 0;
    for (let row = 0; row < v; row++) sum += a[row * v + col]!;
    if (sum > 0) for (let row = 0; row < v; row++) a[row * v + col]! /= sum;
  }
}
