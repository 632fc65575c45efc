/**
 * DICOM fixtures made by Debian's dcmtk, a tool nothing in this project wrote.
 * Tests that use them fail, saying how to install dcmtk, when it is missing.
 *
 * @module
 */

/** Runs a dcmtk tool, throwing with its output when it fails. */
export async function dcmtk(tool: string, ...args: string[]): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(tool, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`dcmtk is not installed (${tool} not found): install it with "apt-get install -y dcmtk"`);
    }
    throw e;
  }
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${tool} ${args.join(" ")} failed: ${text}`);
  }
}

/** An 8-bit grayscale (palette) BMP, the input img2dcm turns into MONOCHROME2. */
export function bmpGray(width: number, height: number, value: (x: number, y: number) => number): Uint8Array {
  const rowSize = Math.ceil(width / 4) * 4;
  const dataOffset = 14 + 40 + 256 * 4;
  const out = new Uint8Array(dataOffset + rowSize * height);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, dataOffset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true); // positive: bottom-up rows
  v.setUint16(26, 1, true);
  v.setUint16(28, 8, true);
  v.setUint32(34, rowSize * height, true);
  v.setUint32(46, 256, true);
  for (let i = 0; i < 256; i++) out.set([i, i, i, 0], 54 + 4 * i);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[dataOffset + (height - 1 - y) * rowSize + x] = value(x, y);
  }
  return out;
}
