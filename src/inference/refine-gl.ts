/**
 * The guided filter of refine.ts on the GPU (WebGL2 in an OffscreenCanvas): the same maths, pass for
 * pass, so that the keep-alpha it gives matches the CPU path's within rounding
 * (tests/e2e/refine-gl.test.ts). refine-path.ts decides whether this document uses it.
 *
 * Passes, each a full-screen triangle into float render targets:
 *   prep (into four targets at once: I = RGB and p; I·p; and the six products of the colour channels)
 *   → box rows → box columns, for each of the four = the means → coefficients (a = RGB, b) → box rows
 *   → box columns = (mean a, mean b) → q = mean a · I + mean b, the ramp, into the canvas's alpha.
 * Box windows are clipped to the image exactly as boxMean clips them (the mean over the pixels the
 * window holds), so nothing from outside the picture is pulled in at the frame.
 *
 * Float render targets (EXT_color_buffer_float) are required: half floats hold 11 bits, and
 * var(I) = mean(I·I) − mean(I)² loses every digit there when eps is 1e-3.
 */
import { REFINE_DEFAULTS, refineRadius, type RefineOptions } from './refine';

/** Renderers that draw on the CPU: a "GPU path" through them is the CPU path, only slower. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|mesa offscreen|subzero/i;

export const isSoftwareRenderer = (renderer: string) => SOFTWARE_RENDERER.test(renderer);

/** The context failed, or was lost (the GPU process restarted, the driver reset): use the CPU from now on. */
export class GlUnavailable extends Error {}

const VERTEX = `#version 300 es
void main() {
  // One triangle covering the viewport, no buffers: (-1,-1), (3,-1), (-1,3).
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

const HEADER = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
`;

/** The photo's colour and the coarse mask, and the products whose window means the filter needs. */
const PREP = `${HEADER}
uniform sampler2D guide;
uniform sampler2D mask;
layout(location = 0) out vec4 ip;
layout(location = 1) out vec4 ixp;
layout(location = 2) out vec4 ii1;
layout(location = 3) out vec4 ii2;
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  vec3 I = texelFetch(guide, c, 0).rgb;
  float p = texelFetch(mask, c, 0).a;
  ip = vec4(I, p);
  ixp = vec4(I * p, 0.0);
  ii1 = vec4(I.r * I.r, I.r * I.g, I.r * I.b, I.g * I.g);
  ii2 = vec4(I.g * I.b, I.b * I.b, 0.0, 0.0);
}`;

/** One direction of the clipped box mean (dir (1,0): rows; (0,1): columns). */
const BOX = `${HEADER}
out vec4 o;
uniform sampler2D src;
uniform int r;
uniform ivec2 dir;
uniform ivec2 size;
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  int i = dir.x == 1 ? c.x : c.y;
  int n = dir.x == 1 ? size.x : size.y;
  int lo = max(i - r, 0), hi = min(i + r, n - 1);
  vec4 s = vec4(0.0);
  for (int k = lo; k <= hi; k++) s += texelFetch(src, c + dir * (k - i), 0);
  o = s / float(hi - lo + 1);
}`;

/** a = (Σ + eps·U)⁻¹ cov(I, p) by the cofactors of the symmetric 3×3, b = mean p − a · mean I (refine.ts). */
const COEF = `${HEADER}
out vec4 o;
uniform sampler2D mIp;
uniform sampler2D mIxp;
uniform sampler2D mII1;
uniform sampler2D mII2;
uniform float eps;
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  vec4 m = texelFetch(mIp, c, 0);
  vec3 mI = m.rgb;
  float mp = m.a;
  vec3 cov = texelFetch(mIxp, c, 0).rgb - mI * mp;
  vec4 q1 = texelFetch(mII1, c, 0);
  vec2 q2 = texelFetch(mII2, c, 0).rg;
  float rr = q1.r - mI.r * mI.r + eps, rg = q1.g - mI.r * mI.g, rb = q1.b - mI.r * mI.b;
  float gg = q1.a - mI.g * mI.g + eps, gb = q2.r - mI.g * mI.b, bb = q2.g - mI.b * mI.b + eps;
  float c00 = gg * bb - gb * gb, c01 = gb * rb - rg * bb, c02 = rg * gb - gg * rb;
  float c11 = rr * bb - rb * rb, c12 = rb * rg - rr * gb, c22 = rr * gg - rg * rg;
  float det = rr * c00 + rg * c01 + rb * c02;
  vec3 a = vec3(dot(vec3(c00, c01, c02), cov), dot(vec3(c01, c11, c12), cov), dot(vec3(c02, c12, c22), cov)) / det;
  o = vec4(a, mp - dot(a, mI));
}`;

/** Into the canvas: its row 0 is the bottom one, the textures' row 0 the image's top, hence the flip. */
const FINAL = `${HEADER}
out vec4 o;
uniform sampler2D coef;
uniform sampler2D guide;
uniform float lo;
uniform float span;
uniform int h;
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  c.y = h - 1 - c.y;
  vec4 ab = texelFetch(coef, c, 0);
  float q = dot(ab.rgb, texelFetch(guide, c, 0).rgb) + ab.a;
  float t = clamp((q - lo) / span, 0.0, 1.0);
  o = vec4(0.0, 0.0, 0.0, t * t * (3.0 - 2.0 * t));
}`;

type Program = { program: WebGLProgram; uniforms: Map<string, WebGLUniformLocation | null> };

/** What the probe found: the renderer's name, and why a context was refused if it was. */
export interface GlProbe {
  renderer?: string;
  refused?: string;
}

export class GlGuidedFilter {
  private readonly canvas: OffscreenCanvas;
  private readonly gl: WebGL2RenderingContext;
  private readonly programs: Record<'prep' | 'box' | 'coef' | 'final', Program>;
  readonly renderer: string;
  /** The largest working size's long side the context can render. */
  readonly maxSide: number;

  /**
   * A filter on a hardware renderer, or undefined with the reason in `probe`. `allowSoftware` (the test
   * build's forced GPU path) accepts SwiftShader and the like, which a user never gets.
   */
  static create(probe: GlProbe, allowSoftware = false): GlGuidedFilter | undefined {
    if (typeof OffscreenCanvas === 'undefined') return void (probe.refused = 'no OffscreenCanvas');
    let gl: WebGL2RenderingContext | null = null;
    /** Refused: the context released at once rather than left to the garbage collector. */
    const refuse = (why: string) => {
      probe.refused = why;
      gl?.getExtension('WEBGL_lose_context')?.loseContext();
      return undefined;
    };
    try {
      const canvas = new OffscreenCanvas(1, 1);
      // failIfMajorPerformanceCaveat: Chromium refuses a blocklisted GPU's context outright. It does not
      // refuse every software renderer (headless Chromium hands out SwiftShader), hence the name check below.
      // No powerPreference: an integrated GPU is plenty for this filter; waking a discrete one costs power.
      gl = canvas.getContext('webgl2', {
        alpha: true, premultipliedAlpha: true, antialias: false, depth: false, stencil: false,
        preserveDrawingBuffer: false, failIfMajorPerformanceCaveat: !allowSoftware,
      });
      if (!gl) return refuse('no WebGL2 context (none, or a major performance caveat)');
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String((info && gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) || gl.getParameter(gl.RENDERER));
      probe.renderer = renderer;
      if (!allowSoftware && isSoftwareRenderer(renderer)) return refuse('software renderer');
      if (!gl.getExtension('EXT_color_buffer_float')) return refuse('no float render targets');
      return new GlGuidedFilter(canvas, gl, renderer);
    } catch (e) {
      return refuse(`WebGL2 failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private constructor(canvas: OffscreenCanvas, gl: WebGL2RenderingContext, renderer: string) {
    this.canvas = canvas;
    this.gl = gl;
    this.renderer = renderer;
    this.maxSide = Math.min(gl.getParameter(gl.MAX_TEXTURE_SIZE) as number, (gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array)[0]);
    this.programs = {
      prep: this.compile(PREP, ['guide', 'mask']),
      box: this.compile(BOX, ['src', 'r', 'dir', 'size']),
      coef: this.compile(COEF, ['mIp', 'mIxp', 'mII1', 'mII2', 'eps']),
      final: this.compile(FINAL, ['coef', 'guide', 'lo', 'span', 'h']),
    };
  }

  /**
   * Lost (the GPU process restarted, the driver reset, or loseContext): the caller falls back to the
   * CPU for good, so a lost context is never restored (no webglcontextlost handler asks for that).
   */
  get isLost() {
    return this.gl.isContextLost();
  }

  /** Loses the context as a GPU reset would (WEBGL_lose_context): the test build's fault, and a failed filter's release. */
  loseContext() {
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }

  private compile(fragment: string, uniforms: string[]): Program {
    const gl = this.gl;
    const program = gl.createProgram();
    for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, fragment]] as const) {
      const shader = gl.createShader(type);
      if (!shader) throw new GlUnavailable('no shader');
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new GlUnavailable(`shader: ${gl.getShaderInfoLog(shader)}`);
      gl.attachShader(program, shader);
      gl.deleteShader(shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new GlUnavailable(`program: ${gl.getProgramInfoLog(program)}`);
    return { program, uniforms: new Map(uniforms.map((u) => [u, gl.getUniformLocation(program, u)])) };
  }

  private texture(w: number, h: number, source?: TexImageSource): WebGLTexture {
    const gl = this.gl;
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    if (source) {
      // The bytes as they are: no flip, no premultiplication (the mask is all in its alpha).
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, source);
    } else {
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32F, w, h);
    }
    return t;
  }

  /**
   * The refined keep-alpha (RGBA, alpha only) of `mask` (a coarse keep-alpha, alpha channel) with
   * `guide` (the photo) as the guide, both w×h, as a 2D canvas of its own (the GL canvas is reused by
   * the next job). Throws GlUnavailable when the context is or gets lost.
   */
  refine(guide: TexImageSource, mask: TexImageSource, w: number, h: number, options: RefineOptions = {}): OffscreenCanvas {
    if (this.isLost) throw new GlUnavailable('WebGL context lost');
    const { radiusShare, eps, lo, hi } = { ...REFINE_DEFAULTS, ...options };
    const r = refineRadius(w, h, radiusShare);
    const gl = this.gl;
    const guideTex = this.texture(w, h, guide);
    const maskTex = this.texture(w, h, mask);
    // Four for the means (0–3), one to box through and to hold the coefficients (4).
    const targets = [0, 1, 2, 3, 4].map(() => this.texture(w, h));
    const fbos = targets.map((t) => {
      const f = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, f);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
      return f;
    });
    // The prep pass writes the first four targets at once.
    const prepFbo = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, prepFbo);
    for (let k = 0; k < 4; k++) gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, gl.TEXTURE_2D, targets[k], 0);
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1, gl.COLOR_ATTACHMENT2, gl.COLOR_ATTACHMENT3]);
    try {
      for (const f of [...fbos, prepFbo]) {
        gl.bindFramebuffer(gl.FRAMEBUFFER, f);
        if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) throw new GlUnavailable('float render target incomplete');
      }
      gl.viewport(0, 0, w, h);
      gl.disable(gl.BLEND);
      /** A pass from `inputs` (sampler name → texture) into target `to` (an index of fbos, the prep framebuffer, or the canvas). */
      const pass = (name: keyof GlGuidedFilter['programs'], to: number | 'prep' | null, inputs: Record<string, WebGLTexture>, set?: (u: (n: string) => WebGLUniformLocation | null) => void) => {
        const { program, uniforms } = this.programs[name];
        gl.useProgram(program);
        gl.bindFramebuffer(gl.FRAMEBUFFER, to === null ? null : to === 'prep' ? prepFbo : fbos[to]);
        Object.entries(inputs).forEach(([sampler, tex], unit) => {
          gl.activeTexture(gl.TEXTURE0 + unit);
          gl.bindTexture(gl.TEXTURE_2D, tex);
          gl.uniform1i(uniforms.get(sampler)!, unit);
        });
        set?.((n) => uniforms.get(n)!);
        gl.drawArrays(gl.TRIANGLES, 0, 3);
        // Unbound, so that no texture is both read and written by the next pass.
        for (let unit = 0; unit < Object.keys(inputs).length; unit++) {
          gl.activeTexture(gl.TEXTURE0 + unit);
          gl.bindTexture(gl.TEXTURE_2D, null);
        }
      };
      /** The box mean of target `from`, through target `via`, back into `from`. */
      const box = (from: number, via: number) => {
        for (const [dir, src, dst] of [[[1, 0], from, via], [[0, 1], via, from]] as const) {
          pass('box', dst, { src: targets[src] }, (u) => {
            gl.uniform1i(u('r'), r);
            gl.uniform2i(u('dir'), dir[0], dir[1]);
            gl.uniform2i(u('size'), w, h);
          });
        }
      };
      pass('prep', 'prep', { guide: guideTex, mask: maskTex });
      for (let k = 0; k < 4; k++) box(k, 4); // the means, back in 0–3
      pass('coef', 4, { mIp: targets[0], mIxp: targets[1], mII1: targets[2], mII2: targets[3] }, (u) => gl.uniform1f(u('eps'), eps));
      box(4, 0); // mean a, mean b, back in 4
      this.canvas.width = w;
      this.canvas.height = h;
      gl.viewport(0, 0, w, h);
      pass('final', null, { coef: targets[4], guide: guideTex }, (u) => {
        gl.uniform1f(u('lo'), lo);
        gl.uniform1f(u('span'), hi - lo);
        gl.uniform1i(u('h'), h);
      });
      const out = new OffscreenCanvas(w, h);
      out.getContext('2d')!.drawImage(this.canvas, 0, 0);
      if (this.isLost) throw new GlUnavailable('WebGL context lost');
      return out;
    } finally {
      // Nothing held between jobs: at 1600² the five float targets alone are 205 MB.
      for (const f of [...fbos, prepFbo]) gl.deleteFramebuffer(f);
      for (const t of [guideTex, maskTex, ...targets]) gl.deleteTexture(t);
    }
  }
}
