/**
 * Which path refines the keep-mask (issue 18): the GPU (refine-gl.ts) where this document has a WebGL2
 * context on a hardware renderer with float render targets, else the CPU (refine.ts). A software
 * renderer (SwiftShader, llvmpipe…) never counts as a GPU: it runs the same maths on the CPU, slower
 * than plain JavaScript (docs/benchmark.md, "Refinement paths"). A hardware GPU is taken on trust, not
 * timed against the CPU in the user's browser: the filter is a few passes of box sums over a small
 * image, work a GPU does in parallel, and a race would cost a CPU refinement it means to spare. (No
 * hardware GPU has been timed yet: the development machine has none.) Probed once per document, on the
 * first refinement; a GPU that fails or loses its context hands that job and every later one to the CPU.
 *
 * The test build can force either path (`probe.refine.force`, set through the debug surface), so that
 * the GPU path is tested here, on SwiftShader, against the CPU path.
 */
import { probe } from '../test-hooks/probe';
import { GlGuidedFilter, type GlProbe } from './refine-gl';

export type RefinePath = 'gpu' | 'cpu';

interface Choice {
  path: RefinePath;
  gl?: GlGuidedFilter;
  renderer?: string;
  /** Why not the GPU. */
  reason?: string;
}

let choice: Choice | undefined;

function chosen(c: Choice): Choice {
  if (import.meta.env.MODE === 'test') Object.assign(probe.refine, { path: c.path, renderer: c.renderer, reason: c.reason });
  return c;
}

function choose(): Choice {
  const force = import.meta.env.MODE === 'test' ? probe.refine.force : undefined;
  if (force === 'cpu') return { path: 'cpu', reason: 'forced (test build)' };
  const found: GlProbe = {};
  const gl = GlGuidedFilter.create(found, force === 'gpu');
  return gl ? { path: 'gpu', gl, renderer: gl.renderer } : { path: 'cpu', renderer: found.renderer, reason: found.refused };
}

/** The GPU's filter when this document refines on the GPU (probed on first need), else undefined. */
export function gpuRefiner(): GlGuidedFilter | undefined {
  choice ??= chosen(choose());
  return choice.gl;
}

/** The GPU path failed (its context lost, or anything else): the CPU from now on in this document. */
export function gpuFailed(e: unknown) {
  // Released now (a context still alive holds GPU memory, and Chrome caps live contexts per page).
  choice?.gl?.loseContext();
  choice = chosen({ path: 'cpu', renderer: choice?.renderer, reason: `GPU failed: ${e instanceof Error ? e.message : String(e)}` });
  if (import.meta.env.MODE === 'test') probe.refine.fallbacks++;
}

/** Test build: probe again on the next refinement (after `probe.refine.force` changed). */
export function rechooseRefinePath() {
  choice?.gl?.loseContext();
  choice = undefined;
}
