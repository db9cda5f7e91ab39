import { resolve } from 'node:path';
import { defineConfig } from 'wxt';
import { patchTflite, tfliteAssets } from './scripts/patch-tflite.mjs';

// LiteRT.js wasm builds shipped with the extension. JSPI is left out: Backdrop never asks for it
// (no WebNN, no WebGPU/wasm partitioning), so a browser can never pick that build.
const LITERT_BUILDS = ['litert_wasm_internal', 'litert_wasm_threaded_internal', 'litert_wasm_compat_internal'];

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  // BACKDROP_OUT lets parallel builds (e.g. two developers' test runs) use separate folders.
  outDir: process.env.BACKDROP_OUT ?? '.output',
  manifest: ({ browser }) => ({
    name: 'Backdrop',
    description: 'Turn the background of any image into art while the subject stays untouched. Runs locally.',
    permissions: ['contextMenus', 'offscreen', 'storage', 'downloads'],
    // Reading the bytes of images from any site (cross-origin) needs host access.
    host_permissions: ['<all_urls>'],
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
    // The frame a result of an image the page could not read is shown in (src/content/view.ts): pages
    // may embed it, but never read it. It holds no pixels of its own.
    web_accessible_resources: [{ resources: ['view.html'], matches: ['<all_urls>'] }],
    // Cross-origin isolation for extension pages: the threaded wasm build shares memory with its workers.
    cross_origin_embedder_policy: { value: 'require-corp' },
    cross_origin_opener_policy: { value: 'same-origin' },
    browser_specific_settings: { gecko: { id: 'backdrop@backdrop.invalid' } },
    // The toolbar button: its badge shows a batch's progress (done/total); the popup attaches to it.
    action: { default_title: 'Backdrop' },
    commands: {
      'stylize-page': { suggested_key: { default: 'Alt+Shift+B' }, description: 'Stylize every image on this page' },
    },
    // Chrome 148+: extension messages are structured clones, as in Firefox (which needs no key), so a
    // result crosses to the page as a Blob instead of base64 text (src/messaging/result-channel.ts).
    // Older Chrome ignores the key and keeps JSON; the result channel detects which it got.
    ...(browser === 'firefox' ? {} : { message_serialization: 'structured_clone' }),
  }),
  // The second runtime, @tensorflow/tfjs-tflite: its wasm module, with the glue and worker made CSP-safe by
  // scripts/patch-tflite.mjs, ships under /tflite/ (src/inference/tflite-web-api.ts loads it).
  hooks: {
    'build:before': () => void patchTflite(),
    'build:publicAssets': (_wxt, files) => {
      files.push(...tfliteAssets());
      for (const build of LITERT_BUILDS) {
        for (const ext of ['js', 'wasm']) {
          files.push({
            absoluteSrc: resolve('node_modules/@litertjs/core/wasm', `${build}.${ext}`),
            relativeDest: `litert/${build}.${ext}`,
          });
        }
      }
    },
  },
});
