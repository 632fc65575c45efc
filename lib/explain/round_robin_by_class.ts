/**
 * An order that takes one image of each class in turn.
 *
 * @module
 */

/**
 * Orders positions so that classes take turns: the first of each class (in
 * class order), then the second of each, and so on, keeping each class's
 * own order. The first `k` of the result cover as many classes as `k`
 * allows, which is how a limit or a small subset stays balanced.
 *
 * @param labels A class index per position.
 * @returns The positions `0..labels.length-1`, reordered.
 * @example
 * ```ts
 * roundRobinByClass([0, 0, 1, 1, 2]); // [0, 2, 4, 1, 3]
 * ```
 */
export function roundRobinByClass(labels: readonly number[]): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const out: number[] = [];
  for (let round = 0; out.length < labels.length; round++) {
    for (const q of queues) if (round < q.length) out.push(q[round]);
  }
  return out;
}
