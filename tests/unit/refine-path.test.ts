import { afterEach, describe, expect, test, vi } from 'vitest';
import { GlGuidedFilter, isSoftwareRenderer } from '../../src/inference/refine-gl';
import { gpuFailed, gpuRefiner, rechooseRefinePath } from '../../src/inference/refine-path';
import { probe } from '../../src/test-hooks/probe';

describe('isSoftwareRenderer', () => {
  test('CPU renderers, as browsers name them, are software', () => {
    for (const r of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'ANGLE (Mesa, llvmpipe (LLVM 15.0.7, 256 bits), OpenGL 4.5)',
      'ANGLE (Mesa, Vulkan 1.3 (llvmpipe (LLVM 15.0.6, 256 bits)), lavapipe)',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
    ]) expect(isSoftwareRenderer(r), r).toBe(true);
  });

  test('GPUs are not', () => {
    for (const r of [
      'ANGLE (Intel, Intel(R) UHD Graphics 620 (0x00005917) Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)',
      'ANGLE (AMD, AMD Radeon Graphics (radeonsi, renoir, LLVM 15.0.7, DRM 3.49, 6.1.0), OpenGL 4.6)',
      'Mali-G78', 'Adreno (TM) 640',
    ]) expect(isSoftwareRenderer(r), r).toBe(false);
  });
});

describe('the refinement path', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    rechooseRefinePath();
    probe.refine.force = undefined;
  });

  test('without WebGL2, the CPU path, with the reason', () => {
    expect(gpuRefiner()).toBeUndefined();
    expect(probe.refine.path).toBe('cpu');
    expect(probe.refine.reason).toBeTruthy();
  });

  test('probed once per document', () => {
    const create = vi.spyOn(GlGuidedFilter, 'create').mockReturnValue(undefined);
    gpuRefiner();
    gpuRefiner();
    expect(create).toHaveBeenCalledTimes(1);
  });

  test('a GPU that fails: released, and the CPU from then on', () => {
    const loseContext = vi.fn();
    const fake = { renderer: 'a GPU', loseContext } as unknown as GlGuidedFilter;
    const create = vi.spyOn(GlGuidedFilter, 'create').mockReturnValue(fake);
    expect(gpuRefiner()).toBe(fake);
    expect(probe.refine.path).toBe('gpu');
    const fallbacks = probe.refine.fallbacks;
    gpuFailed(new Error('WebGL context lost'));
    expect(loseContext).toHaveBeenCalledTimes(1);
    expect(gpuRefiner()).toBeUndefined();
    expect(create).toHaveBeenCalledTimes(1);
    expect(probe.refine).toMatchObject({ path: 'cpu', renderer: 'a GPU', fallbacks: fallbacks + 1 });
    expect(probe.refine.reason).toMatch(/lost/);
  });

  test('only a forced GPU path (the test build) accepts a software renderer', () => {
    const create = vi.spyOn(GlGuidedFilter, 'create').mockReturnValue(undefined);
    gpuRefiner();
    expect(create).toHaveBeenLastCalledWith(expect.anything(), false);
    rechooseRefinePath();
    probe.refine.force = 'gpu';
    gpuRefiner();
    expect(create).toHaveBeenLastCalledWith(expect.anything(), true);
    rechooseRefinePath();
    probe.refine.force = 'cpu';
    expect(gpuRefiner()).toBeUndefined();
    expect(create).toHaveBeenCalledTimes(2);
  });
});
