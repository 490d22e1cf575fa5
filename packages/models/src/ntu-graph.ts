/**
 * The NTU RGB+D (Kinect v2) skeleton as a graph, and ST-GCN's spatial-partition adjacency.
 * Joint numbers are 0-based; parents from the dataset's joint definition (../shared/ntu-samples/
 * protocol.md): the 24 bones are (joint, parent) for every joint but 20, the spine shoulder, which
 * is the root and ST-GCN's centre of gravity.
 */

import { NTU_JOINT_COUNT, NtuJoint, layouts, ntuBones, ntuJointParents } from '@skelnorm/data';

// One NTU tree, the data package's: the models' names for it.

/** Joints of an NTU skeleton. */
export const NTU_JOINTS = NTU_JOINT_COUNT;

/** The spine shoulder: root of the tree and centre of ST-GCN's spatial partition. */
export const NTU_CENTER: number = NtuJoint.spineShoulder;

/** Parent of each joint (index = joint); -1 for the root. */
export const NTU_PARENTS: readonly number[] = ntuJointParents;

/** The 24 bones as (joint, parent) pairs. */
export const NTU_BONES: readonly (readonly [number, number])[] = ntuBones;

/**
 * The NTU graph as the official ST-GCN draws it (`net/utils/graph.py`, layout `ntu-rgb+d`; CTR-GCN's
 * `graph/ntu_rgb_d.py` copies the list): the data package's tree except at the hands, where each hand
 * tip hangs off the thumb (tip - thumb - hand) instead of off the hand. 24 (joint, neighbour) pairs:
 * the `ntu25` layout's graph, defined once in @skelnorm/data.
 */
export const NTU_STGCN_EDGES: readonly (readonly [number, number])[] = layouts.ntu25.edges;

/**
 * Hops from every joint to `center` over the bones (breadth-first). Joints more than `maxHop` hops
 * away get Infinity, as the reference's `get_hop_distance(max_hop)` leaves them. Default: no cap.
 */
export function hopsToCenter(
  numJoints: number,
  bones: readonly (readonly [number, number])[],
  center: number,
  maxHop = Infinity,
): number[] {
  const neighbours: number[][] = Array.from({ length: numJoints }, () => []);
  for (const [a, b] of bones) {
    neighbours[a]?.push(b);
    neighbours[b]?.push(a);
  }
  const hops = new Array<number>(numJoints).fill(Infinity);
  hops[center] = 0;
  const queue = [center];
  for (let i = 0; i < queue.length; i++) {
    const j = queue[i]!;
    for (const k of neighbours[j] ?? []) {
      if (hops[k] === Infinity) {
        hops[k] = hops[j]! + 1;
        queue.push(k);
      }
    }
  }
  return hops.map((h) => (h > maxHop ? Infinity : h));
}

/**
 * ST-GCN's spatial partition (Yan et al. 2018, Sec. 3.4; `strategy='spatial'` in the reference
 * `net/utils/graph.py`). The neighbourhood of a joint w is w itself and the joints one edge away;
 * each edge v -> w goes to one of 3 subsets by the joints' hop distances to the centre of gravity:
 * k = 0 the joint itself, k = 1 a neighbour v at least as far from the centre as w, k = 2 a
 * neighbour nearer the centre. Values are normalized by the neighbourhood size of w:
 * A_k[v][w] = 1 / |N(w)| (the reference's A D^-1 with D_ww = sum_v A_vw).
 *
 * Returned as a flat Float32Array of shape [3, V, V] indexed [k][v][w]: the graph conv computes
 * y[w] = sum_k sum_v x_k[v] A_k[v][w], as the reference's `einsum('nkctv,kvw->nctw')`.
 *
 * The defaults reproduce the reference's `Graph('ntu-rgb+d', 'spatial')` exactly, quirks included:
 * its edges ({@link NTU_STGCN_EDGES}) and its hop distances capped at `max_hop = 1`, so that two
 * joints both more than one hop from the centre compare "inf >= inf" and land in subset 1 whatever
 * their true distances (`maxHop: Infinity` gives the partition by true distances instead).
 */
export function spatialPartition(
  numJoints: number = NTU_JOINTS,
  edges: readonly (readonly [number, number])[] = NTU_STGCN_EDGES,
  center: number = NTU_CENTER,
  maxHop = 1,
): Float32Array {
  const v = numJoints;
  const adjacent = new Uint8Array(v * v);
  for (let i = 0; i < v; i++) adjacent[i * v + i] = 1;
  for (const [a, b] of edges) {
    adjacent[a * v + b] = 1;
    adjacent[b * v + a] = 1;
  }
  const degree = new Float32Array(v);
  for (let from = 0; from < v; from++) for (let to = 0; to < v; to++) degree[to]! += adjacent[from * v + to]!;
  const hops = hopsToCenter(v, edges, center, maxHop);
  const a = new Float32Array(3 * v * v);
  for (let from = 0; from < v; from++) {
    for (let to = 0; to < v; to++) {
      if (!adjacent[from * v + to]) continue;
      const value = 1 / degree[to]!;
      const hf = hops[from]!;
      const ht = hops[to]!;
      const k = from === to ? 0 : hf >= ht ? 1 : 2;
      a[k * v * v + from * v + to] = value;
    }
  }
  return a;
}
