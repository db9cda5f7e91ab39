import { resolve } from 'node:path';
import { defineConfig } from 'wxt';
import { shippedLitertBuilds } from './src/inference/litert-builds';
import { ACTION_ICON_SIZES, iconMap, iconPath, renderIcons } from './scripts/icons.mjs';

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  // BACKDROP_OUT lets parallel builds (e.g. two developers' test runs) use separate folders.
  outDir: process.env.BACKDROP_OUT ?? '.output',
  // MV3 in both browsers (WXT would build MV2 for Firefox).
  manifestVersion: 3,
  // `npm run zip`: the store packages, and for Firefox the sources its reviewers rebuild from. The models
  // and styles are third-party data `npm install` provisions (sha256-checked), never part of the sources.
  zip: {
    artifactTemplate: '{{name}}-{{version}}-{{browser}}.zip',
    sourcesTemplate: '{{name}}-{{version}}-sources.zip',
    excludeSources: ['public/models/**', 'public/styles/**', 'public/welcome/**', 'bench-results/**', 'docs/**/*.png'],
  },
  manifest: ({ browser }) => {
    const firefox = browser === 'firefox';
    return {
      // Every string a person reads is in public/_locales/<lang>/messages.json (src/i18n/t.ts).
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'en',
      // Firefox has no offscreen documents: its engine runs in a frame of the background's event page.
      permissions: ['contextMenus', 'storage', 'downloads', ...(firefox ? [] : ['offscreen'])],
      // Reading the bytes of images from any site (cross-origin) needs host access. Firefox lets the
      // person withhold it from an MV3 add-on: the popup asks for it when it is missing (src/ui/SiteAccess.tsx).
      host_permissions: ['<all_urls>'],
      content_security_policy: {
        extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
      },
      // The frame a result of an image the page could not read is shown in (src/content/view.ts): pages
      // may embed it, but never read it. It holds no pixels of its own.
      web_accessible_resources: [{ resources: ['view.html'], matches: ['<all_urls>'] }],
      // Chrome: cross-origin isolation for extension pages, so the threaded wasm build can share memory
      // with its workers. Firefox has no such keys; its engine runs the single-threaded build.
      ...(firefox ? {} : {
        cross_origin_embedder_policy: { value: 'require-corp' },
        cross_origin_opener_policy: { value: 'same-origin' },
      }),
      // Firefox needs a stable add-on id for storage and messaging; 128 is its first ESR with the MV3
      // APIs used here (event pages with wasm, storage.session, scripting of all frames).
      browser_specific_settings: { gecko: { id: 'backdrop@backdrop.invalid', strict_min_version: '128.0' } },
      // The icon, drawn in assets/icon.svg and rendered to these PNGs by the build (scripts/icons.mjs).
      icons: iconMap(),
      // The toolbar button: its badge shows a batch's progress (done/total); the popup attaches to it.
      action: { default_title: 'Backdrop', default_icon: iconMap(ACTION_ICON_SIZES) },
      commands: {
        'stylize-page': { suggested_key: { default: 'Alt+Shift+Y' }, description: '__MSG_commandStylizePage__' },
      },
      // Chrome 148+: extension messages are structured clones, as in Firefox (which needs no key), so a
      // result crosses to the page as a Blob instead of base64 text (src/messaging/result-channel.ts).
      // Older Chrome ignores the key and keeps JSON; the result channel detects which it got.
      ...(firefox ? {} : { message_serialization: 'structured_clone' }),
    };
  },
  hooks: {
    // The Firefox e2e harness's bridge page (entrypoints/test-bridge) exists in the test build only.
    'entrypoints:resolved': (wxt, entrypoints) => {
      if (wxt.config.mode === 'test') return;
      const bridge = entrypoints.findIndex((e) => e.name === 'test-bridge');
      if (bridge >= 0) entrypoints.splice(bridge, 1);
    },
    'build:publicAssets': (wxt, files) => {
      // The icon's PNGs, rendered from assets/icon.svg (no binary art in the repository).
      for (const { size, file } of renderIcons(resolve('.generated/icons'))) {
        files.push({ absoluteSrc: file, relativeDest: iconPath(size) });
      }
      // LiteRT.js's wasm, under /litert/: only the build this browser loads (src/inference/litert-builds.ts),
      // threaded for Chrome, plain for Firefox; none of the other three (~9 MiB each) can ever load there.
      for (const build of shippedLitertBuilds(wxt.config.browser)) {
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
