/**
 * A heatmap overlay with the lesion mask's outline and the heatmap's peak
 * drawn on it: a picture that shows at once whether the map points at the lesion.
 *
 * @module
 */
import sharp from "sharp";
import { type GrayscaleImage, type HeatmapOverlayOptions, heatmapOverlayRgb } from "./heatmap_overlay_png.ts";
import { heatmapArgmax } from "./pointing_game.ts";

/** Options of {@link annotatedOverlayPng}. */
export interface AnnotatedOverlayOptions extends HeatmapOverlayOptions {
  /** The lesion mask at the image's size (> 0 inside); its outline is drawn in white. */
  mask?: ArrayLike<number>;
  /** Mark the heatmap's maximum with a magenta cross (not drawn for an all-zero map). Default true. */
  peak?: boolean;
  /** Side of the output in pixels (the overlay is resized, the marks drawn at that size). Default: the image's width. */
  size?: number;
}

const WHITE = [255, 255, 255], MAGENTA = [255, 0, 255];

/**
 * A heatmap blended over a grayscale image (as `heatmapOverlayPng`),
 * resized to `size`, with the outline of the lesion mask (white, one pixel
 * at the output size) and a cross at the heatmap's maximum (magenta; the
 * pixel the pointing game scores).
 *
 * @param gray The image, values in [0, 1].
 * @param heatmap `width * height` values in [0, 1], row-major.
 * @param options Mask, peak marker, output size, opacity, colormap.
 * @returns PNG bytes (8-bit RGB), `size` wide and `size * height / width` high.
 * @throws {RangeError} For sizes that do not match or a bad output size.
 * @example
 * ```ts
 * const cam = await gradCam(model, image, { layerName: "block4_relu" });
 * const png = await annotatedOverlayPng({ width: 64, height: 64, data: gray }, cam.heatmap, { mask, size: 256 });
 * ```
 */
export async function annotatedOverlayPng(
  gray: GrayscaleImage,
  heatmap: Float32Array,
  options: AnnotatedOverlayOptions = {},
): Promise<Uint8Array> {
  const { width: w, height: h } = gray;
  const { mask, peak = true } = options;
  const W = options.size ?? w;
  if (!(Number.isInteger(W) && W > 0 && W <= 4096)) {
    throw new RangeError(`size must be an integer in [1, 4096]. Received: size=${options.size}`);
  }
  if (mask != null && mask.length !== w * h) {
    throw new RangeError(`The mask must match the image's ${w}x${h} pixels. Received: ${mask.length} values`);
  }
  const H = Math.max(1, Math.round((W * h) / w));
  let rgb = heatmapOverlayRgb(gray, heatmap, options);
  if (W !== w || H !== h) {
    rgb = new Uint8Array(
      await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).resize(W, H, { kernel: "cubic" }).raw()
        .toBuffer(),
    );
  }
  const put = (x: number, y: number, c: number[]) => {
    if (x >= 0 && y >= 0 && x < W && y < H) rgb.set(c, (y * W + x) * 3);
  };
  if (mask != null) {
    // The mask at the output size (nearest), and its inside pixels with a 4-neighbour outside.
    const inside = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < W && y < H && mask[Math.floor((y * h) / H) * w + Math.floor((x * w) / W)] > 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (inside(x, y) && !(inside(x - 1, y) && inside(x + 1, y) && inside(x, y - 1) && inside(x, y + 1))) {
          put(x, y, WHITE);
        }
      }
    }
  }
  const best = heatmapArgmax(heatmap);
  if (peak && best >= 0 && heatmap[best] > 0) {
    const cx = Math.floor(((best % w) + 0.5) * (W / w)), cy = Math.floor((Math.floor(best / w) + 0.5) * (H / h));
    const arm = Math.max(3, Math.round(W / 24)), thick = W >= 128 ? 1 : 0;
    for (let d = -arm; d <= arm; d++) {
      for (let t = -thick; t <= thick; t++) {
        put(cx + d, cy + t, MAGENTA);
        put(cx + t, cy + d, MAGENTA);
      }
    }
  }
  const png = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
  return new Uint8Array(png);
}
