/**
 * Writes the phantom to disk as PNG images and masks plus `manifest.csv`, the
 * layout `loadDataset` reads back.
 *
 * @module
 */
import sharp from "sharp";
import { writeFileAtomic } from "../cli.ts";
import type { PhantomImage } from "./phantom.ts";

/** Columns of the manifest, in order. */
export const MANIFEST_COLUMNS = ["path", "label", "patient_id", "slice", "mask_path"] as const;

/** File-system friendly form of a class name: `Herniated disk` -> `herniated_disk`. */
export function classSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
}

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function grayPng(values: Float32Array | Uint8Array, size: number, scale: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, values[i] * scale)) * 255);
  return new Uint8Array(await sharp(pixels, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer());
}

/**
 * Writes `images/<class>/<patient>_s<slice>.png`, `masks/<class>/...png`
 * (white = lesion; every abnormal image has one, healthy ones none) and
 * `manifest.csv` with paths relative to `outDir`. Every file is written
 * atomically, the manifest last, so a killed run never leaves a manifest that
 * names missing files.
 *
 * @param items Phantom images.
 * @param outDir Output folder, created when missing.
 * @param onProgress Called after each image with the count written.
 * @returns The manifest's rows.
 */
export async function writePhantomDataset(
  items: readonly PhantomImage[],
  outDir: string,
  onProgress?: (written: number) => void,
): Promise<string[][]> {
  const rows: string[][] = [];
  let written = 0;
  // A few encodes in flight: sharp works on its own threads.
  const queue = [...items];
  const worker = async () => {
    for (let it = queue.shift(); it != null; it = queue.shift()) {
      const slug = classSlug(it.className);
      const name = `${it.patientId}_s${it.slice}.png`;
      const path = `images/${slug}/${name}`;
      await writeFileAtomic(`${outDir}/${path}`, await grayPng(it.image, it.size, 1));
      let maskPath = "";
      if (it.className !== "Healthy") {
        maskPath = `masks/${slug}/${name}`;
        await writeFileAtomic(`${outDir}/${maskPath}`, await grayPng(it.mask, it.size, 1));
      }
      rows.push([path, it.className, it.patientId, String(it.slice), maskPath]);
      onProgress?.(++written);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  const csv = [MANIFEST_COLUMNS.join(","), ...rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
  await writeFileAtomic(`${outDir}/manifest.csv`, csv);
  return rows;
}
