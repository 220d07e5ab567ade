// Keeps trained FAQ classifiers on disk, keyed by a hash of everything training depends on (the
// training documents, the tuning, this file's format), so a restart with unchanged content loads
// the model in milliseconds instead of training it again (≈ 0.7 s of CPU on a quiet machine;
// several seconds on a busy one). The cache lives in the project's node_modules/.cache, which
// belongs to whoever installed the project (not a world-writable temp folder another user could
// plant a model in). When it cannot be read or written (a read-only image), training simply
// happens in the process; a damaged or foreign file is ignored and replaced.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  classifierFromModel,
  fitClassifier,
  type ClassifierModel,
  type ClassifierTuning,
  type TopicClassifier,
  type TrainingDoc,
} from "./classifier.js";

const FORMAT = "balanting-faq-model/1";
export const MODEL_CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/balanting/", import.meta.url));

export function modelKey(docs: readonly TrainingDoc[], tuning: ClassifierTuning): string {
  const hash = createHash("sha256").update(FORMAT).update(JSON.stringify(tuning));
  for (const d of docs) hash.update(`${d.label}\u0000${d.stems.join(" ")}\u0001`);
  return hash.digest("hex").slice(0, 32);
}

/** Layout: 4-byte header length, JSON header, then idf, weights (float32) and bias (float64). */
export function encodeModel(model: ClassifierModel): Buffer {
  const header = Buffer.from(JSON.stringify({ format: FORMAT, labels: model.labels, features: model.features, tuning: model.tuning }));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length);
  // The float arrays start at a multiple of 8 so they can be viewed in place when read.
  const pad = Buffer.alloc((8 - ((4 + header.length) % 8)) % 8);
  const bytes = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const tail = Buffer.alloc((8 - ((model.idf.byteLength + model.weights.byteLength) % 8)) % 8);
  return Buffer.concat([size, header, pad, bytes(model.idf), bytes(model.weights), tail, bytes(model.bias)]);
}

export function decodeModel(buf: Buffer): ClassifierModel | null {
  try {
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString("utf8")) as Omit<ClassifierModel, "idf" | "weights" | "bias"> & {
      format: string;
    };
    if (header.format !== FORMAT) return null;
    const F = header.features.length;
    const C = header.labels.length;
    let at = 4 + headerLength;
    at += (8 - (at % 8)) % 8;
    // Copies (slice) so the model does not depend on the alignment of Node's buffer pool.
    const copy = (bytes: number) => {
      const out = new Uint8Array(buf.subarray(at, at + bytes));
      if (out.byteLength !== bytes) throw new Error("truncated");
      at += bytes;
      return out.buffer;
    };
    const idf = new Float32Array(copy(F * 4));
    const weights = new Float32Array(copy(F * C * 4));
    at += (8 - ((F * 4 + F * C * 4) % 8)) % 8;
    const bias = new Float64Array(copy(C * 8));
    if (at !== buf.length) return null;
    return { labels: header.labels, features: header.features, tuning: header.tuning, idf, weights, bias };
  } catch {
    return null;
  }
}

/** The classifier for these documents: from the disk cache when present, else trained (and stored). */
export function cachedClassifier(docs: readonly TrainingDoc[], tuning: ClassifierTuning, dir: string = MODEL_CACHE_DIR): TopicClassifier {
  const file = join(dir, `faq-model-${modelKey(docs, tuning)}.bin`);
  let model: ClassifierModel | null = null;
  try {
    model = decodeModel(readFileSync(file));
  } catch {
    // Not cached yet, or unreadable: train below.
  }
  if (!model) {
    model = fitClassifier(docs, tuning);
    try {
      mkdirSync(dir, { recursive: true });
      // Write then rename: a process reading at the same moment never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, encodeModel(model));
      renameSync(tmp, file);
    } catch {
      // A read-only install: keep the model in memory only.
    }
  }
  return classifierFromModel(model);
}
