/**
 * A synthetic lumbar MRI phantom: sagittal, T2-weighted-like 2D slices of the
 * lumbar spine with a known diagnosis, a lesion mask and a patient id.
 *
 * SYNTHETIC, NOT FOR CLINICAL USE. It exists so that the demo, notebooks and
 * tests run with nothing downloaded, and so that Grad-CAM can be scored
 * against a known lesion.
 *
 * Anatomy, anterior to the left as sagittal MRI is usually shown: T12 (cut
 * at the top), L1-L5 and the top of the sacrum, with the discs between them
 * (bright nucleus when healthy); the spinal canal behind the bodies, bright
 * with CSF, holding the conus and the cauda equina; laminae and spinous
 * processes; muscle, subcutaneous fat and skin behind; abdomen in front.
 *
 * Classes:
 * - Healthy.
 * - Herniated disk: focal posterior protrusion of one disc into the canal,
 *   mostly L4/L5 or L5/S1.
 * - Spinal stenosis: the canal's AP diameter narrowed at 1-2 levels
 *   (ligamentum flavum thickening and disc bulge), CSF signal lost there.
 * - Spondylosis: at 2 or more levels, disc height loss, dark (dehydrated)
 *   discs and endplate osteophytes.
 *
 * @module
 */
import { createRng, type Rng } from "../random.ts";

/** The four diagnoses, in label order. */
export const CLASSES = [
  "Healthy",
  "Herniated disk",
  "Spinal stenosis",
  "Spondylosis",
] as const;
/** One of {@link CLASSES}. */
export type ClassName = typeof CLASSES[number];

/** Disc levels from top to bottom. */
export const DISC_LEVELS = [
  "T12/L1",
  "L1/L2",
  "L2/L3",
  "L3/L4",
  "L4/L5",
  "L5/S1",
] as const;

/** Options of {@link generatePhantom}. */
export interface PhantomOptions {
  /** Image side in pixels. Default 224. */
  size?: number;
  /** Images per class (rounded up to whole patients). Default 100. */
  perClass?: number;
  /** Slices per patient, at small parasagittal offsets. Default 3. */
  slicesPerPatient?: number;
  /** Seed of everything random. Default 42. */
  seed?: number;
  /**
   * 0 (large, high-contrast lesions, little noise) to 1 (small, faint
   * lesions, strong noise). Default 0.5. Measured at the default: the plain
   * CNN (96x96, 200 images per class, 12 epochs, augmentation) scored 82.1%
   * on 84 test slices of unseen patients, `deno task demo --difficulty 0.5
   * --per-class 200`.
   */
  difficulty?: number;
  /**
   * Relative share of each class, for imbalance, e.g. `[4, 1, 1, 1]`.
   * The largest class gets `perClass` images. Default equal.
   */
  classWeights?: readonly number[];
}

/** One generated slice. */
export interface PhantomImage {
  /** Grayscale, row-major, `size * size` values in [0, 1]. */
  image: Float32Array;
  /** 1 inside the lesion, 0 elsewhere (all 0 for Healthy). */
  mask: Uint8Array;
  size: number;
  label: number;
  className: ClassName;
  patientId: string;
  /** Slice index within the patient, 0-based. */
  slice: number;
  /** Disc levels that carry the lesion, e.g. `["L4/L5"]`. */
  lesionLevels: string[];
}

/** Intensities of tissues on the T2-like scale, before bias and noise. */
const T2 = {
  air: 0.02,
  fat: 0.68,
  muscle: 0.22,
  abdomen: 0.32,
  marrow: 0.4,
  cortex: 0.1,
  annulus: 0.2,
  nucleus: 0.85,
  dryNucleus: 0.24,
  csf: 0.92,
  cord: 0.38,
  roots: 0.55,
  flavum: 0.14,
  ligament: 0.08,
  interspinous: 0.45,
  vessel: 0.05,
} as const;

interface Level {
  /** Centre, pixels at 224 scale. */
  cx: number;
  cy: number;
  /** Tilt of the spine axis from vertical, radians. */
  angle: number;
  halfW: number;
  halfH: number;
  cos: number;
  sin: number;
  /** Bounding radius, for culling. */
  reach: number;
}

function level(cx: number, cy: number, angle: number, halfW: number, halfH: number): Level {
  return {
    cx,
    cy,
    angle,
    halfW,
    halfH,
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    reach: Math.hypot(halfW, halfH) + 12,
  };
}

interface Lesion {
  /** Disc index into DISC_LEVELS. */
  disc: number;
  /** Size factor, 1 = typical. */
  scale: number;
  /** Extra, per-class parameter (herniation height offset, etc.). */
  shift: number;
}

/** Per-patient anatomy and pathology; slices of one patient share it. */
interface Patient {
  label: number;
  x0: number;
  y0: number;
  lordosis: number;
  bodyH: number;
  bodyW: number;
  discH: number[];
  canalW: number;
  fatW: number;
  intensity: number;
  noise: number;
  bias: [number, number, number];
  aorta: boolean;
  nucleus: number[];
  lesions: Lesion[];
  contrast: number;
}

const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Signed distance to a rounded rectangle centred at 0 (negative inside). */
function sdRoundRect(u: number, v: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(u) - hw + r, qy = Math.abs(v) - hh + r;
  const ox = Math.max(qx, 0), oy = Math.max(qy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(qx, qy), 0) - r;
}

function samplePatient(rng: Rng, label: number, difficulty: number): Patient {
  const d = clamp01(difficulty);
  const scale = lerp(1.3, 0.55, d); // lesion size
  const contrast = lerp(1, 0.45, d); // lesion contrast
  const discH = DISC_LEVELS.map(() => rng.uniform(7.5, 10));
  // Healthy discs vary in hydration; harder data has more borderline discs.
  const nucleus = DISC_LEVELS.map(() =>
    rng.next() < lerp(0.05, 0.3, d) ? rng.uniform(0.35, 0.6) : rng.uniform(0.72, 0.92)
  );
  const lesions: Lesion[] = [];
  const cls = CLASSES[label];
  if (cls === "Herniated disk") {
    const disc = rng.pick([4, 5, 3, 2], [0.5, 0.35, 0.1, 0.05]);
    lesions.push({ disc, scale: scale * rng.uniform(0.8, 1.2), shift: rng.uniform(-0.4, 0.4) });
    nucleus[disc] = rng.uniform(0.4, 0.7);
  } else if (cls === "Spinal stenosis") {
    const first = rng.pick([3, 4, 2, 5], [0.4, 0.35, 0.15, 0.1]);
    lesions.push({ disc: first, scale: scale * rng.uniform(0.8, 1.2), shift: 0 });
    if (rng.next() < 0.4) {
      const second = first === 5 ? 4 : first + (rng.next() < 0.5 ? 1 : -1);
      lesions.push({ disc: second, scale: scale * rng.uniform(0.6, 1), shift: 0 });
    }
  } else if (cls === "Spondylosis") {
    const count = rng.pick([2, 3, 4], [0.5, 0.35, 0.15]);
    const start = rng.int(Math.max(1, 6 - count - 2), 6 - count);
    for (let k = 0; k < count; k++) {
      const disc = start + k;
      lesions.push({ disc, scale: scale * rng.uniform(0.8, 1.2), shift: 0 });
      discH[disc] *= lerp(1, rng.uniform(0.4, 0.6), contrast);
      nucleus[disc] = lerp(nucleus[disc], T2.dryNucleus, contrast);
    }
  }
  return {
    label,
    x0: rng.uniform(96, 112),
    y0: rng.uniform(-16, -8),
    lordosis: rng.uniform(6, 18),
    bodyH: rng.uniform(23, 28),
    bodyW: rng.uniform(36, 44),
    discH,
    canalW: rng.uniform(12, 16),
    fatW: rng.uniform(6, 16),
    intensity: rng.uniform(0.85, 1.1),
    noise: lerp(0.015, 0.07, d) * rng.uniform(0.8, 1.25),
    bias: [rng.uniform(-0.25, 0.25), rng.uniform(-0.2, 0.2), rng.uniform(0, 0.2)],
    aorta: rng.next() < 0.7,
    nucleus,
    lesions,
    contrast,
  };
}

/** Lays out bodies T12..L5 and S1 along the lordotic curve. */
function layout(p: Patient): { bodies: Level[]; discs: Level[]; centerX: (y: number) => number } {
  const heights: number[] = [];
  // T12, disc, L1, disc, ..., L5, disc, S1
  for (let i = 0; i < 6; i++) heights.push(p.bodyH * (i === 0 ? 0.95 : 1 + 0.02 * i), p.discH[i]);
  const total = heights.reduce((a, b) => a + b, 0);
  const top = p.y0, bottom = p.y0 + total;
  const centerX = (y: number) => p.x0 - p.lordosis * Math.sin(Math.PI * clamp01((y - top) / (bottom - top)));
  const slope = (y: number) => (centerX(y + 1) - centerX(y - 1)) / 2;
  const bodies: Level[] = [], discs: Level[] = [];
  let y = top;
  heights.forEach((h, i) => {
    const cy = y + h / 2;
    const angle = Math.atan(slope(cy));
    if (i % 2 === 0) bodies.push(level(centerX(cy), cy, angle, p.bodyW / 2, h / 2));
    else discs.push(level(centerX(cy), cy, angle, p.bodyW / 2 + 1, h / 2));
    y += h;
  });
  // S1: wider, tilted back by the sacral slope.
  const last = discs[discs.length - 1];
  const sAngle = last.angle + 0.6;
  const sH = p.bodyH * 1.1;
  bodies.push(level(
    last.cx + Math.sin(sAngle) * (last.halfH + sH / 2) - 3,
    last.cy + Math.cos(sAngle) * (last.halfH + sH / 2),
    sAngle,
    p.bodyW / 2 + 2,
    sH / 2,
  ));
  return { bodies, discs, centerX };
}

/** Local u: towards posterior. */
const localU = (l: Level, x: number, y: number) => (x - l.cx) * l.cos - (y - l.cy) * l.sin;
/** Local v: down the spine. */
const localV = (l: Level, x: number, y: number) => (x - l.cx) * l.sin + (y - l.cy) * l.cos;

/** Renders one slice of a patient at `offset` (-1..1) from the midline. */
function renderSlice(
  p: Patient,
  size: number,
  offset: number,
  rng: Rng,
): { image: Float32Array; mask: Uint8Array } {
  const { bodies, discs, centerX } = layout(p);
  const k = 224 / size; // render in 224-pixel units
  const clean = new Float32Array(size * size);
  const mask = new Uint8Array(size * size);
  const canalW = p.canalW * (1 - 0.3 * Math.abs(offset));
  const posteriorElements = 1 - 0.4 * Math.abs(offset);
  const stenosisAt = p.lesions.filter(() => CLASSES[p.label] === "Spinal stenosis");
  const herniation = CLASSES[p.label] === "Herniated disk" ? p.lesions[0] : undefined;
  const spondylosis = CLASSES[p.label] === "Spondylosis" ? p.lesions : [];
  const c = p.contrast;
  const spondyloticDisc = DISC_LEVELS.map((_, i) => spondylosis.some((s) => s.disc === i));

  for (let py = 0; py < size; py++) {
    const y = (py + 0.5) * k;
    const cxLine = centerX(y);
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) * k;
      const ug = x - cxLine; // AP offset from the spine's axis
      let val: number;
      let lesion = false;

      // Soft tissue bands, from posterior skin inwards.
      const posteriorCanal = p.bodyW / 2 + 1 + canalW;
      const skin = posteriorCanal + 62 + 0.04 * (y - 112);
      if (ug > skin) val = T2.air;
      else if (ug > skin - p.fatW) val = T2.fat;
      else val = T2.muscle + 0.03 * Math.sin(y * 0.35 + ug * 0.2);
      if (ug < -p.bodyW / 2 - 1) {
        val = T2.abdomen + 0.08 * Math.sin(x * 0.21) * Math.sin(y * 0.17);
        if (p.aorta && ug > -p.bodyW / 2 - 14 && ug < -p.bodyW / 2 - 3 && y < 150) val = T2.vessel;
        if (x < 4) val = T2.fat;
      }

      // Canal: CSF with the conus above L1/L2 and cauda equina roots below.
      let canalFront = p.bodyW / 2 + 1, canalBack = posteriorCanal;
      let csfLoss = 0;
      for (const s of stenosisAt) {
        const dl = discs[s.disc];
        const bump = Math.exp(-(((y - dl.cy) / (dl.halfH + 0.25 * p.bodyH)) ** 2) * 1.2);
        canalBack -= bump * s.scale * canalW * 0.55 * c;
        canalFront += bump * s.scale * canalW * 0.18 * c;
        csfLoss = Math.max(csfLoss, bump * Math.min(1, s.scale) * c);
        if (bump > 0.3 && ug > p.bodyW / 2 + 1 && ug < posteriorCanal) lesion = true;
      }
      if (ug > canalFront && ug < canalBack) {
        val = lerp(T2.csf, T2.cord, csfLoss * 0.8);
        const mid = (canalFront + canalBack) / 2;
        if (y < discs[1].cy && Math.abs(ug - mid) < canalW * 0.22) val = T2.cord;
        else if (y >= discs[1].cy && ug > mid && Math.sin(ug * 2.2 + y * 0.05) > 0.6) {
          val = lerp(val, T2.roots, 0.6);
        }
      } else if (ug >= canalBack && ug < posteriorCanal + 2) {
        val = T2.flavum; // thickened ligamentum flavum fills the lost canal
      } else if (ug > p.bodyW / 2 + 1 && ug <= canalFront) {
        val = T2.annulus; // bulging disc fills the lost canal in front
      }

      // Laminae and spinous processes behind the canal, one per body.
      if (ug > posteriorCanal + 2 && ug < posteriorCanal + 40) {
        val = T2.interspinous * posteriorElements + val * (1 - posteriorElements);
        for (let i = 0; i < 6; i++) {
          const b = bodies[i];
          if (Math.abs(y - b.cy - 6) > b.halfH + 4) continue;
          const u = localU(b, x, y), v = localV(b, x, y);
          const d = sdRoundRect(u - (posteriorCanal + 20), v - 6, 18, b.halfH * 0.55, 4);
          if (d < 0) {
            val = lerp(val, d > -1.5 ? T2.cortex : T2.marrow * 0.9, posteriorElements);
          }
        }
      }

      // Discs, then bodies over them.
      for (let i = 0; i < discs.length; i++) {
        const dl = discs[i];
        if (Math.abs(y - dl.cy) > dl.reach || Math.abs(x - dl.cx) > dl.reach) continue;
        const u = localU(dl, x, y), v = localV(dl, x, y);
        if (sdRoundRect(u, v, dl.halfW, dl.halfH + 1, Math.min(4, dl.halfH)) < 0) {
          val = T2.annulus;
          const nu = (u - dl.halfW * 0.08) / (dl.halfW * 0.62), nv = v / (dl.halfH * 0.62);
          const r = nu * nu + nv * nv;
          if (r < 1) val = lerp(T2.annulus, p.nucleus[i], 1 - r * r);
          if (spondyloticDisc[i]) lesion = true;
        }
      }
      for (let i = 0; i < bodies.length; i++) {
        const b = bodies[i];
        if (Math.abs(y - b.cy) > b.reach || Math.abs(x - b.cx) > b.reach) continue;
        const u = localU(b, x, y), v = localV(b, x, y);
        const d = sdRoundRect(u, v, b.halfW, b.halfH, 3);
        if (d < 0) {
          val = d > -1.6 ? T2.cortex : T2.marrow + 0.05 * Math.sin(u * 0.9) * Math.sin(v * 1.1);
          if (i > 0 && i < 6 && v > b.halfH - 2 || (i > 0 && v < -b.halfH + 2)) {
            // Endplates next to a degenerated disc are sclerotic (dark).
            for (const s of spondylosis) {
              if ((s.disc === i && v > 0) || (s.disc === i - 1 && v < 0)) {
                val = lerp(val, T2.cortex, 0.6 * c);
              }
            }
          }
        }
        // Osteophytes: spurs off the anterior and posterior endplate corners.
        for (const s of spondylosis) {
          const endplate = s.disc === i ? 1 : s.disc === i - 1 ? -1 : 0;
          if (endplate === 0) continue;
          const len = 6 * s.scale;
          for (const side of [-1, 1]) {
            const cu = side * b.halfW, cv = endplate * b.halfH;
            const du = (u - cu) * side, dv = (v - cv) * endplate;
            // A triangle growing outwards from the corner towards the disc.
            if (du > -1 && du < len * (side < 0 ? 1 : 0.6) && dv > -3 && dv < 3.5 - du * 0.5 && dv > -3 + du * 0.2) {
              val = du > len * 0.5 ? T2.cortex : T2.marrow;
              lesion = true;
            }
          }
        }
      }

      // Herniation: disc material pushed back into the canal.
      if (herniation) {
        const dl = discs[herniation.disc];
        const u = localU(dl, x, y), v = localV(dl, x, y);
        const depth = canalW * 0.8 * herniation.scale;
        const hu = (u - dl.halfW - depth * 0.35) / (depth * 0.75 + 1);
        const hv = (v - herniation.shift * dl.halfH) / (dl.halfH * 0.9 + 2 * herniation.scale);
        if (hu * hu + hv * hv < 1 && u > dl.halfW - 2) {
          val = lerp(val, 0.28, c);
          if (u > dl.halfW) lesion = true;
        }
      }

      clean[py * size + px] = val;
      if (lesion) mask[py * size + px] = 1;
    }
  }
  // Partial volume: one [1,2,1] blur in each direction.
  const blurred = blur121(clean, size);
  // Bias field and Rician noise.
  const image = new Float32Array(size * size);
  const [bx, by, bc] = p.bias;
  const sigma = p.noise;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const fx = px / size - 0.5, fy = py / size - 0.5;
      const field = 1 + bx * fx + by * fy + bc * Math.exp(-((fx + 0.1) ** 2 + fy ** 2) * 6);
      const s = blurred[py * size + px] * field * p.intensity;
      const re = s + sigma * rng.normal(), im = sigma * rng.normal();
      image[py * size + px] = clamp01(Math.sqrt(re * re + im * im));
    }
  }
  return { image, mask };
}

function blur121(src: Float32Array, size: number): Float32Array {
  const tmp = new Float32Array(src.length), out = new Float32Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const l = x > 0 ? src[i - 1] : src[i], r = x < size - 1 ? src[i + 1] : src[i];
      tmp[i] = (l + 2 * src[i] + r) / 4;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const u = y > 0 ? tmp[i - size] : tmp[i], d = y < size - 1 ? tmp[i + size] : tmp[i];
      out[i] = (u + 2 * tmp[i] + d) / 4;
    }
  }
  return out;
}

/**
 * Generates the phantom data set.
 *
 * Patients are generated per class; each gives `slicesPerPatient` slices at
 * parasagittal offsets. The same options always give the same images.
 *
 * @param options Size, counts, seed, difficulty and class balance.
 * @returns The images, by patient (in a seeded random order), then slice.
 * @example
 * ```ts
 * const images = generatePhantom({ perClass: 12, size: 128 });
 * images[0].className; // "Healthy"
 * ```
 */
export function generatePhantom(options: PhantomOptions = {}): PhantomImage[] {
  const {
    size = 224,
    perClass = 100,
    slicesPerPatient = 3,
    seed = 42,
    difficulty = 0.5,
    classWeights = CLASSES.map(() => 1),
  } = options;
  if (!Number.isInteger(size) || size < 32) {
    throw new RangeError(`size must be an integer of at least 32. Received: size=${size}`);
  }
  if (!Number.isInteger(slicesPerPatient) || slicesPerPatient < 1) {
    throw new RangeError(`slicesPerPatient must be a positive integer. Received: ${slicesPerPatient}`);
  }
  if (!(difficulty >= 0 && difficulty <= 1)) {
    throw new RangeError(`difficulty must be in [0, 1]. Received: difficulty=${difficulty}`);
  }
  if (classWeights.length !== CLASSES.length || classWeights.some((w) => !(w >= 0))) {
    throw new RangeError(
      `classWeights needs ${CLASSES.length} non-negative numbers. Received: [${classWeights.join(", ")}]`,
    );
  }
  const maxWeight = Math.max(...classWeights);
  const root = createRng(seed);
  // Patients of all classes in one shuffled order, so ids say nothing of the class.
  const plan: { label: number; count: number; seed: number }[] = [];
  CLASSES.forEach((_, label) => {
    const count = Math.round((perClass * classWeights[label]) / maxWeight);
    for (let made = 0; made < count; made += slicesPerPatient) {
      plan.push({ label, count: Math.min(slicesPerPatient, count - made), seed: root.fork() });
    }
  });
  root.shuffle(plan);
  const out: PhantomImage[] = [];
  plan.forEach(({ label, count, seed: patientSeed }, pi) => {
    const patientRng = createRng(patientSeed);
    const patient = samplePatient(patientRng, label, difficulty);
    const patientId = `PT${String(pi + 1).padStart(4, "0")}`;
    for (let s = 0; s < count; s++) {
      const offset = slicesPerPatient === 1 ? 0 : (s / (slicesPerPatient - 1)) * 2 - 1;
      const { image, mask } = renderSlice(patient, size, offset * 0.8, createRng(patientRng.fork()));
      out.push({
        image,
        mask,
        size,
        label,
        className: CLASSES[label],
        patientId,
        slice: s,
        lesionLevels: patient.lesions.map((l) => DISC_LEVELS[l.disc]),
      });
    }
  });
  return out;
}
