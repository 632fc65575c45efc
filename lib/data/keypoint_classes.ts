/**
 * Class maps for point annotations: raw labels (`bulge`, `protrusion`, ...)
 * merged into the classes a model learns (`Bulge`, `Herniated disk`).
 *
 * A map is plain JSON, `{"raw label": "Class"}`. Keys match labels ignoring
 * case, underscores, hyphens and repeated spaces. A key may be qualified by
 * the kind of level, `disc:normal` or `vertebra:normal`, and a qualified key
 * wins over a plain one; the kind comes from the point's level (`L4-L5` is a
 * disc, `L4` a vertebra). A label that lists several findings, `bulge,schmorl
 * node`, takes the class of the whole label when mapped, else of its first
 * finding that is mapped. Labels the map does not cover have no class: their
 * points are skipped, with the reason.
 *
 * @module
 */
import { DatasetError } from "./dataset.ts";
import { type Keypoint, levelKind } from "./keypoints.ts";

/**
 * The class map used for Tianchi annotations unless the user gives one:
 * Normal, Bulge and Herniated disk (protrusion or extrusion) for discs, the
 * three classes of the issue's real benchmark; Schmorl's nodes (herniation
 * through the endplate into the vertebral body, not into the canal) are left
 * out; vertebrae get classes of their own so that they never merge with discs.
 */
export const TIANCHI_CLASS_MAP: Readonly<Record<string, string>> = Object.freeze({
  "normal": "Normal",
  "bulge": "Bulge",
  "protrusion": "Herniated disk",
  "extrusion": "Herniated disk",
  "vertebra:normal": "Normal vertebra",
  "vertebra:degeneration": "Degenerated vertebra",
});

function key(label: string): string {
  return label.trim().toLowerCase().replace(/[_\-\s]+/g, " ");
}

/** A class map with its keys normalised, ready for {@link keypointClass}. */
export interface CompiledClassMap {
  /** Plain keys. */
  plain: Map<string, string>;
  /** Keys qualified by kind, as `disc:normal`. */
  qualified: Map<string, string>;
  /** The classes in the map's order, each once. */
  classes: string[];
}

/**
 * Normalises a class map's keys (see the module doc).
 *
 * @param classMap `{"raw label": "Class"}`, keys optionally `disc:` or `vertebra:` qualified.
 * @returns The compiled map.
 * @throws {DatasetError} When a class is not a non-empty string or a key's qualifier is unknown.
 * @example
 * ```ts
 * const map = compileClassMap({ protrusion: "Herniated disk", extrusion: "Herniated disk" });
 * map.classes; // ["Herniated disk"]
 * ```
 */
export function compileClassMap(classMap: Readonly<Record<string, unknown>>): CompiledClassMap {
  const plain = new Map<string, string>(), qualified = new Map<string, string>();
  const classes: string[] = [];
  for (const [raw, cls] of Object.entries(classMap)) {
    if (typeof cls !== "string" || cls.trim() === "") {
      throw new DatasetError(
        `Class map: the class of "${raw}" must be a non-empty string. Received: ${JSON.stringify(cls)}`,
      );
    }
    const colon = raw.indexOf(":");
    if (colon >= 0) {
      const kind = raw.slice(0, colon).trim().toLowerCase();
      if (kind !== "disc" && kind !== "vertebra") {
        throw new DatasetError(
          `Class map: "${raw}" has an unknown qualifier "${kind}". Valid qualifiers are: disc, vertebra`,
        );
      }
      qualified.set(`${kind}:${key(raw.slice(colon + 1))}`, cls.trim());
    } else plain.set(key(raw), cls.trim());
    if (!classes.includes(cls.trim())) classes.push(cls.trim());
  }
  return { plain, qualified, classes };
}

/**
 * The class of a point under a class map.
 *
 * @param point The point (its label, and its level for qualified keys).
 * @param map A compiled class map.
 * @returns `{ className }`, or `{ reason }` when the map has no class for it.
 * @example
 * ```ts
 * const map = compileClassMap(TIANCHI_CLASS_MAP);
 * keypointClass({ image: "a.png", x: 1, y: 2, label: "extrusion", level: "L4-L5" }, map);
 * // { className: "Herniated disk" }
 * ```
 */
export function keypointClass(
  point: Pick<Keypoint, "label" | "level">,
  map: CompiledClassMap,
): { className: string } | { reason: string } {
  const kind = levelKind(point.level);
  const lookup = (label: string) =>
    (kind != null ? map.qualified.get(`${kind}:${key(label)}`) : undefined) ?? map.plain.get(key(label));
  const whole = lookup(point.label);
  if (whole != null) return { className: whole };
  const parts = point.label.split(",").filter((p) => p.trim() !== "");
  if (parts.length > 1) {
    for (const part of parts) {
      const cls = lookup(part);
      if (cls != null) return { className: cls };
    }
  }
  return { reason: `label "${point.label}"${kind != null ? ` (${kind})` : ""} is not in the class map` };
}

/**
 * Reads a class map given as JSON text or as the path of a JSON file.
 *
 * @param source `{"raw": "Class", ...}` itself, or a file holding it.
 * @returns The map.
 * @throws {DatasetError} When the file cannot be read, the text is not a
 *   JSON object, or a class is not a non-empty string.
 * @example
 * ```ts
 * await readClassMap('{"bulge": "Bulge", "protrusion": "Herniated disk"}');
 * ```
 */
export async function readClassMap(source: string): Promise<Record<string, string>> {
  let text = source;
  if (!source.trim().startsWith("{")) {
    try {
      text = await Deno.readTextFile(source);
    } catch (e) {
      throw new DatasetError(`Cannot read class map ${source}: ${(e as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`Class map ${source.length > 60 ? "(inline)" : source}: not JSON (${(e as Error).message})`);
  }
  if (value == null || typeof value !== "object" || Array.isArray(value)) {
    throw new DatasetError(`A class map must be a JSON object {"raw label": "Class"}. Received: ${text.slice(0, 80)}`);
  }
  compileClassMap(value as Record<string, unknown>);
  return value as Record<string, string>;
}
