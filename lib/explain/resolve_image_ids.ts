/**
 * Finding images of a study by id or file path.
 *
 * @module
 */

/**
 * Resolves image references to indices into a list of ids. A reference
 * matches an id exactly (`phantom:12`, or a data set's file path as stored),
 * else the id whose path ends with it (`herniated/case3.png` finds
 * `data/set/herniated/case3.png`), else the id equal to it once both are
 * made absolute against the working directory.
 *
 * @param ids The study's image ids, by index.
 * @param wanted References, each an id or a path.
 * @returns One index per reference, in order (duplicates removed).
 * @throws {RangeError} Naming every reference that matches nothing or more than one image.
 * @example
 * ```ts
 * resolveImageIds(["phantom:0", "phantom:1"], ["phantom:1"]); // [1]
 * ```
 */
export function resolveImageIds(ids: readonly string[], wanted: readonly string[]): number[] {
  const exact = new Map(ids.map((id, i) => [id, i]));
  const cwd = Deno.cwd();
  const absolute = (p: string) => (p.startsWith("/") ? p : `${cwd}/${p}`).replace(/\/\.\//g, "/");
  const problems: string[] = [];
  const found: number[] = [];
  for (const ref of wanted) {
    const hit = exact.get(ref);
    if (hit != null) {
      found.push(hit);
      continue;
    }
    const clean = ref.replace(/^\.\//, "");
    let matches = ids.flatMap((id, i) => (id.endsWith(`/${clean}`) ? [i] : []));
    if (matches.length === 0) matches = ids.flatMap((id, i) => (absolute(id) === absolute(ref) ? [i] : []));
    if (matches.length === 1) found.push(matches[0]);
    else if (matches.length === 0) problems.push(`"${ref}" matches no image`);
    else problems.push(`"${ref}" matches ${matches.length} images (${matches.slice(0, 3).map((i) => ids[i])}, ...)`);
  }
  if (problems.length > 0) {
    const examples = ids.slice(0, 3).join(", ");
    throw new RangeError(`${problems.join("; ")}. Images are named by id or path, e.g. ${examples}`);
  }
  return [...new Set(found)];
}
