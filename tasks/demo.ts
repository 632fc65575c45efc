/**
 * `deno task demo`: the main job on the embedded data. Generates the
 * synthetic lumbar MRI phantom, splits it by patient, trains the plain CNN
 * on the chosen backend and reports test metrics. Writes `outputs/demo/`.
 */
import * as tf from "@tensorflow/tfjs";
import { currentBackend } from "../lib/backend.ts";
import { fractionOption, intOption, runMain, startTask, UsageError, writeFileAtomic } from "../lib/cli.ts";
import { CLASSES, generatePhantom } from "../lib/data/phantom.ts";
import { findPatientLeaks, splitByPatient } from "../lib/data/split.ts";
import { imagesToTensor, labelsToTensor } from "../lib/data/tensors.ts";
import { confusionMatrix } from "../lib/metrics/confusion_matrix.ts";
import { createModel } from "../lib/models/mod.ts";
import { createAugmentation } from "../lib/augment/mod.ts";
import { writeGrayGridPng } from "../lib/report/png.ts";
import { evaluateClassifier, fitClassifier } from "../lib/train/fit.ts";
import { saveModel } from "../lib/train/save.ts";

const USAGE = `Usage: deno task demo [options]

Trains the plain CNN on the synthetic phantom (synthetic images, not for clinical use).

  --per-class N    phantom images per class (default 200)
  --size N         image side (default 96)
  --difficulty D   phantom difficulty, 0 (easy) to 1 (hard) (default 0.5, the phantom's)
  --epochs N       training epochs (default 12)
  --no-augment     train without augmentation (default: zoom, rotation, contrast)
  --batch N        batch size (default 16)
  --seed N         one seed for data, split, initialisation and batch order (default 42)
  --out DIR        output folder (default outputs/demo)
  --backend NAME   tensorflow | webgpu | wasm | cpu (or LUMBAR_BACKEND)`;

const args = await startTask(USAGE, {
  "per-class": { type: "string" },
  difficulty: { type: "string" },
  "no-augment": { type: "boolean" },
  size: { type: "string" },
  epochs: { type: "string" },
  batch: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
});

await runMain(async () => {
  const perClass = intOption("per-class", args["per-class"], 200);
  const size = intOption("size", args.size, 96);
  const epochs = intOption("epochs", args.epochs, 12);
  const batchSize = intOption("batch", args.batch, 16);
  const seed = intOption("seed", args.seed, 42);
  const difficulty = fractionOption("difficulty", args.difficulty, 0.5);
  const outDir = String(args.out ?? "outputs/demo");

  console.error(
    `[demo] generating ${
      perClass * CLASSES.length
    } phantom slices at ${size}x${size} (synthetic, not for clinical use)...`,
  );
  const items = generatePhantom({ perClass, size, seed, difficulty });
  const split = splitByPatient(items, { seed });
  if (split.val.length === 0 || split.test.length === 0) {
    throw new UsageError(
      `--per-class ${perClass} gives too few patients per class for an 80:10:10 split by patient; use at least 9`,
    );
  }
  const leaks = findPatientLeaks(items, split);
  if (leaks.length > 0) throw new Error(`Patient leakage between splits: ${JSON.stringify(leaks)}`);
  console.error(
    `[demo] split by patient: train ${split.train.length}, val ${split.val.length}, test ${split.test.length} slices; no patient in two splits`,
  );

  await writeGrayGridPng(
    `${outDir}/samples.png`,
    CLASSES.map((_, label) => items.filter((it) => it.label === label).slice(0, 6)),
  );

  const pick = (idx: number[]) => idx.map((i) => items[i]);
  const [train, val, test] = [pick(split.train), pick(split.val), pick(split.test)];
  const x = imagesToTensor(train), y = labelsToTensor(train.map((t) => t.label), CLASSES.length);
  const xv = imagesToTensor(val), yv = labelsToTensor(val.map((t) => t.label), CLASSES.length);
  const xt = imagesToTensor(test), yt = labelsToTensor(test.map((t) => t.label), CLASSES.length);

  const { model } = createModel("cnn", { inputShape: [size, size, 3], numClasses: CLASSES.length, seed });
  console.error(
    `[demo] training cnn (${model.countParams()} parameters) for ${epochs} epochs on ${currentBackend()?.name}...`,
  );
  const t0 = performance.now();
  const { history } = await fitClassifier(model, x, y, {
    epochs,
    batchSize,
    seed,
    validation: { x: xv, y: yv },
    augment: args["no-augment"] ? undefined : createAugmentation(),
  });
  const trainSeconds = (performance.now() - t0) / 1000;

  const testEval = await evaluateClassifier(model, { x: xt, y: yt });
  const predictedT = tf.tidy(() => (model.predict(xt) as tf.Tensor2D).argMax(1));
  const predicted = Array.from(await predictedT.data());
  predictedT.dispose();
  const truth = test.map((t) => t.label);
  const cm = confusionMatrix(truth, predicted, CLASSES.length);

  const width = Math.max(...CLASSES.map((c) => c.length));
  console.log(
    `\nTest accuracy ${(testEval.acc * 100).toFixed(1)}% on ${test.length} slices (loss ${
      testEval.loss.toFixed(3)
    }), trained in ${trainSeconds.toFixed(0)} s`,
  );
  console.log(
    `\nConfusion matrix (rows: true, columns: predicted)\n${"".padEnd(width)}  ${
      CLASSES.map((c) => c.slice(0, 8).padStart(8)).join(" ")
    }`,
  );
  cm.forEach((row, i) =>
    console.log(`${CLASSES[i].padEnd(width)}  ${row.map((v) => String(v).padStart(8)).join(" ")}`)
  );

  await saveModel(model, `${outDir}/model`);
  await writeFileAtomic(`${outDir}/history.json`, JSON.stringify(history, null, 2));
  await writeFileAtomic(
    `${outDir}/metrics.json`,
    JSON.stringify(
      {
        backend: currentBackend(),
        seed,
        size,
        perClass,
        epochs,
        trainSeconds,
        test: { accuracy: testEval.acc, loss: testEval.loss, n: test.length, confusionMatrix: cm, classes: CLASSES },
      },
      null,
      2,
    ),
  );
  console.log(`\nWrote ${outDir}/: model/, history.json, metrics.json, samples.png`);
  tf.dispose([x, y, xv, yv, xt, yt]);
  model.dispose();
});
