import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
// @ts-expect-error — a plain .mjs script without types
import { provision, provisionFiles, styleList } from '../../scripts/provision.mjs';
import { MODELS, WELCOME } from '../../scripts/assets.mjs';
import { createHash } from 'node:crypto';

const tmp = () => mkdtempSync(join(tmpdir(), 'backdrop-provision-'));
const noNetwork = async (url: string) => {
  throw new Error(`offline (${url})`);
};

describe('provisioning', () => {
  test('a local file with the wrong sha256 fails, naming the file, and writes nothing', async () => {
    const local = tmp(), dest = tmp();
    mkdirSync(join(local, 'models'));
    const bad = MODELS[0].name;
    writeFileSync(join(local, 'models', bad), 'not the model');
    await expect(provision({ dest, localDir: local, fetchImpl: noNetwork })).rejects.toThrow(new RegExp(`${bad.replace(/\./g, '\\.')}: sha256 mismatch`));
    expect(existsSync(join(dest, 'models', bad))).toBe(false);
  });

  test('a missing file with no network fails, naming the file and the URL tried', async () => {
    const dest = tmp();
    await expect(provision({ dest, localDir: tmp(), fetchImpl: noNetwork })).rejects.toThrow(/lite-model_deeplabv3_1_metadata_2\.tflite: not found locally .* download from https:\/\/storage\.googleapis\.com\/.* failed/);
  });

  test('a download with the wrong bytes fails the checksum too', async () => {
    const fetchImpl = async () => new Response('tampered');
    await expect(provision({ dest: tmp(), localDir: tmp(), fetchImpl })).rejects.toThrow(/sha256 mismatch \(from https:/);
  });

  test('an HTTP error names the status', async () => {
    const fetchImpl = async () => new Response('', { status: 404 });
    await expect(provision({ dest: tmp(), localDir: tmp(), fetchImpl })).rejects.toThrow(/HTTP 404/);
  });

  test('the style list pins 26 built-in styles', async () => {
    const styles = await styleList();
    expect(styles).toHaveLength(26);
    expect(new Set(styles.map((s: { name: string }) => s.name)).size).toBe(26);
    for (const s of styles) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  // The official list beside the project: present in this repository's setup, absent in a bare clone.
  const sources = join(__dirname, '../../../shared/models/SOURCES.md');
  test.skipIf(!existsSync(sources))('the pinned model hashes match ../shared/models/SOURCES.md (skipped without ../shared)', () => {
    const text = readFileSync(sources, 'utf8');
    for (const m of MODELS) expect(text).toContain(m.sha256);
  });

  // The welcome page's live example (src/ui/welcome): a photo of the official TFLite samples, provisioned
  // as the models are (never committed), under the name the page loads.
  test('the welcome sample is pinned: its sha256, and the official tensorflow/examples URL of its photo', () => {
    expect(WELCOME).toEqual([expect.objectContaining({ name: 'sample.jpg', local: 'fixtures/tfexamples_segmentation_input_image.jpg' })]);
    expect(WELCOME[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(WELCOME[0].url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/tensorflow\/examples\/[0-9a-f]{40}\/lite\/examples\/image_segmentation\/.*\/input_image\.jpg$/);
  });

  const fixture = join(__dirname, '../../../shared/fixtures/tfexamples_segmentation_input_image.jpg');
  test.skipIf(!existsSync(fixture))('the welcome sample is copied from fixtures/ to welcome/sample.jpg, checked (skipped without ../shared)', async () => {
    const local = tmp(), dest = tmp();
    mkdirSync(join(local, 'fixtures'));
    writeFileSync(join(local, WELCOME[0].local), readFileSync(fixture));
    expect(await provisionFiles({ dest, kind: 'welcome', files: WELCOME, localDir: local, fetchImpl: noNetwork })).toEqual({ copied: 1, downloaded: 0, kept: 0 });
    const sha = createHash('sha256').update(readFileSync(join(dest, 'welcome', 'sample.jpg'))).digest('hex');
    expect(sha).toBe(WELCOME[0].sha256);
    // Again: kept as it is.
    expect(await provisionFiles({ dest, kind: 'welcome', files: WELCOME, localDir: local, fetchImpl: noNetwork })).toEqual({ copied: 0, downloaded: 0, kept: 1 });
  });

  test('a tampered welcome sample fails, naming it, and writes nothing', async () => {
    const local = tmp(), dest = tmp();
    mkdirSync(join(local, 'fixtures'));
    writeFileSync(join(local, WELCOME[0].local), 'not the photo');
    await expect(provisionFiles({ dest, kind: 'welcome', files: WELCOME, localDir: local, fetchImpl: noNetwork })).rejects.toThrow(/sample\.jpg: sha256 mismatch/);
    expect(existsSync(join(dest, 'welcome', 'sample.jpg'))).toBe(false);
  });
});
