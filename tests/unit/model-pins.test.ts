/**
 * The extension names its model files and stamps cached bottlenecks with the prediction model's
 * sha256 (src/inference/models.ts); provisioning pins the same files by sha256 (scripts/assets.mjs).
 * Two copies of one fact: this ties them, so a model swapped in one place fails here, not in a
 * person's library of stale bottlenecks.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MODEL_FILES, PREDICTION_SHA256, TRANSFER_FILE_BYTES } from '../../src/inference/models';
import { MODELS } from '../../scripts/assets.mjs';

describe('model pins', () => {
  test('the bottleneck stamp is the provisioned prediction model’s sha256', () => {
    const prediction = MODELS.find((m) => m.name === MODEL_FILES.prediction);
    expect(prediction).toBeDefined();
    expect(PREDICTION_SHA256).toBe(prediction!.sha256);
  });

  test('every model file the extension loads is one provisioning installs', () => {
    const names = [MODEL_FILES.segmentation, MODEL_FILES.prediction, ...Object.values(MODEL_FILES.transfer)];
    for (const name of names) expect(MODELS.map((m) => m.name)).toContain(name);
  });

  test('the transfer files\' sizes the popup shows are the shipped files\' sizes', () => {
    for (const [kind, name] of Object.entries(MODEL_FILES.transfer)) {
      expect(statSync(resolve('public/models', name)).size, kind).toBe(TRANSFER_FILE_BYTES[kind as keyof typeof TRANSFER_FILE_BYTES]);
    }
  });
});
