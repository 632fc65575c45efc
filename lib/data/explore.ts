/**
 * Summaries of a loaded data set, for the exploration task and notebook.
 *
 * @module
 */
import sharp from "sharp";
import type { DatasetItem } from "./dataset.ts";

/** What {@link summarizeDataset} reports. */
export interface DatasetSummary {
  images: number;
  classCounts: Record<string, number>;
  patients: number;
  /** Images per patient -> how many patients have that many. */
  imagesPerPatient: Record<string, number>;
  /** Image widths and heights in pixels -> count, as "WxH". */
  sizes: Record<string, number>;
  withMasks: number;
}

/**
 * Counts classes, patients and image sizes.
 *
 * @param items Loaded items.
 * @param readSizes Read each image header for its size (DICOM files count as "dicom"). Default true.
 */
export async function summarizeDataset(items: readonly DatasetItem[], readSizes = true): Promise<DatasetSummary> {
  const classCounts: Record<string, number> = {};
  const perPatient = new Map<string, number>();
  const sizes: Record<string, number> = {};
  for (const it of items) {
    classCounts[it.label] = (classCounts[it.label] ?? 0) + 1;
    if (it.patientId != null) perPatient.set(it.patientId, (perPatient.get(it.patientId) ?? 0) + 1);
    if (readSizes) {
      let key = "dicom";
      if (!it.path.toLowerCase().endsWith(".dcm")) {
        try {
          const m = await sharp(it.path).metadata();
          key = `${m.width}x${m.height}`;
        } catch {
          key = "unreadable";
        }
      }
      sizes[key] = (sizes[key] ?? 0) + 1;
    }
  }
  const imagesPerPatient: Record<string, number> = {};
  for (const n of perPatient.values()) imagesPerPatient[n] = (imagesPerPatient[n] ?? 0) + 1;
  return {
    images: items.length,
    classCounts,
    patients: perPatient.size,
    imagesPerPatient,
    sizes,
    withMasks: items.filter((i) => i.maskPath != null).length,
  };
}

/**
 * A text bar chart, one row per key.
 *
 * @param counts Label -> count.
 * @param width Longest bar in characters. Default 40.
 */
export function textHistogram(counts: Record<string, number>, width = 40): string {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const pad = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) =>
    `${k.padEnd(pad)}  ${"#".repeat(Math.max(v > 0 ? 1 : 0, Math.round((v / max) * width)))} ${v}`
  )
    .join("\n");
}
