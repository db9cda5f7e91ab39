/**
 * The welcome page's background side (src/background/welcome.ts): when it opens (a first install
 * only, once per profile), and its live example, painted by the offscreen document's own `stylize`
 * with the person's settings, from the bundled sample and nothing the page chose but a built-in
 * style. Who may ask for it is in background-routes.test.ts and senders.test.ts.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { fakeOffscreen, settled } from '../support/worker';
import { errorText } from '../../src/i18n/errors';

vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen: vi.fn(async () => {}), closeOffscreen: vi.fn(async () => {}) }));

const { openWelcomeOnInstall, paintWelcomeExample, WELCOME_PAGE, WELCOME_SAMPLE } = await import('../../src/background/welcome');
const { parseWelcomeMessage: parse } = await import('../../src/messaging/validate');
const { builtinStyle } = await import('../../src/styles/builtins');
const parseWelcomeMessage = (v: unknown) => parse(v, (id) => builtinStyle(id) !== undefined);
const { updateSettings } = await import('../../src/settings/settings');

const welcomeTabs = async () => (await fakeBrowser.tabs.query({})).filter((t) => t.url?.endsWith('/welcome.html'));

beforeEach(() => {
  fakeBrowser.reset();
});

describe('the welcome page opens on a first install, once', () => {
  test('install: it opens the welcome page, once; a second install event (a re-install of the same profile) opens nothing', async () => {
    expect(await openWelcomeOnInstall({ reason: 'install' })).toBe(true);
    expect((await welcomeTabs()).map((t) => t.url)).toEqual([fakeBrowser.runtime.getURL(WELCOME_PAGE as never)]);
    expect(await openWelcomeOnInstall({ reason: 'install' })).toBe(false);
    expect(await welcomeTabs()).toHaveLength(1);
  });

  test('an update, or the browser\'s own update, opens nothing', async () => {
    for (const reason of ['update', 'chrome_update', 'browser_update', 'shared_module_update']) {
      expect(await openWelcomeOnInstall({ reason }), reason).toBe(false);
    }
    expect(await welcomeTabs()).toEqual([]);
  });

  test('once it was shown (the flag in storage.local, which a restart keeps), an install opens nothing', async () => {
    await openWelcomeOnInstall({ reason: 'install' });
    expect(await fakeBrowser.storage.local.get('welcomeShown')).toEqual({ welcomeShown: true });
    // A fresh background (a browser restart): only storage.local is left of the first one.
    vi.resetModules();
    const fresh = await import('../../src/background/welcome');
    expect(await fresh.openWelcomeOnInstall({ reason: 'install' })).toBe(false);
    expect(await welcomeTabs()).toHaveLength(1);
  });

  test('a tab that could not be opened leaves the flag unset, so the next install tries again', async () => {
    fakeBrowser.tabs.create = (async () => { throw new Error('no window'); }) as never;
    expect(await openWelcomeOnInstall({ reason: 'install' })).toBe(false);
    expect(await fakeBrowser.storage.local.get('welcomeShown')).toEqual({});
  });
});

describe('the live example', () => {
  const painted = { ok: true, result: { width: 257, height: 257, timings: {}, dataUrl: 'data:image/bmp;base64,Qk0=' } };

  test('paints the bundled sample with the person\'s settings (style, strength), and returns the picture and the style\'s name', async () => {
    await updateSettings({ styleId: 'builtin:style3', strength: 0.4 });
    const offscreen = fakeOffscreen(() => painted);
    const reply = await paintWelcomeExample();
    expect(reply).toEqual({ ok: true, dataUrl: painted.result.dataUrl, styleId: 'builtin:style3', styleName: 'Style 4' });
    const [call] = offscreen.calls('stylize');
    expect(call.msg).toMatchObject({
      to: 'offscreen', type: 'stylize',
      source: { kind: 'url', url: fakeBrowser.runtime.getURL(WELCOME_SAMPLE as never) },
      options: { styleId: 'builtin:style3', strength: 0.4, subject: expect.any(Array) },
    });
    // Answered to the page that asked, not delivered into a tab as a right-click's result is.
    expect(call.msg).not.toHaveProperty('deliverTo');
    expect(call.msg.options).not.toHaveProperty('pick');
  });

  test('another built-in style paints with it (and the person\'s strength), leaving the settings as they were', async () => {
    await updateSettings({ styleId: 'builtin:style3', strength: 0.4, mixStyleId: 'builtin:style5' });
    const offscreen = fakeOffscreen(() => painted);
    expect(await paintWelcomeExample('builtin:style11')).toMatchObject({ ok: true, styleId: 'builtin:style11', styleName: 'Style 12' });
    expect(offscreen.calls('stylize')[0].msg.options).toMatchObject({ styleId: 'builtin:style11', strength: 0.4, mixStyleId: undefined });
    await settled();
    expect(await fakeBrowser.storage.local.get('settings')).toMatchObject({ settings: { styleId: 'builtin:style3', recentStyleIds: [] } });
  });

  test('a failure of the engine is the page\'s error to show', async () => {
    const error = { code: 'internal', message: 'Backdrop failed: out of memory' };
    fakeOffscreen(() => ({ ok: false, error }));
    expect(await paintWelcomeExample()).toEqual({ ok: false, error });
  });

  test('a reply without a picture is an error, not an empty example', async () => {
    fakeOffscreen(() => ({ ok: true, result: { width: 1, height: 1, timings: {} } }));
    const reply = await paintWelcomeExample();
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal', key: 'errExampleNoPicture' } });
    expect(!reply.ok && errorText(reply.error)).toBe('The engine answered without a picture.');
  });
});

describe('what the welcome page may ask', () => {
  test('the example, with the settings\' style or a built-in one', () => {
    expect(parseWelcomeMessage({ to: 'background', type: 'welcome-example' })).toEqual({ to: 'background', type: 'welcome-example' });
    expect(parseWelcomeMessage({ to: 'background', type: 'welcome-example', styleId: 'builtin:style0', extra: 1 }))
      .toEqual({ to: 'background', type: 'welcome-example', styleId: 'builtin:style0' });
  });

  test('nothing else: another style, a source of its own, another type or address', () => {
    for (const v of [
      { to: 'background', type: 'welcome-example', styleId: 'user:1' },
      { to: 'background', type: 'welcome-example', styleId: 'builtin:style26' },
      { to: 'background', type: 'welcome-example', styleId: 7 },
      { to: 'background', type: 'restyle-tab', tabId: 1 },
      { to: 'offscreen', type: 'welcome-example' },
      null, 'welcome-example',
    ]) expect(parseWelcomeMessage(v), JSON.stringify(v)).toBeUndefined();
    // The page names no image: the sample is the background's choice.
    expect(parseWelcomeMessage({ to: 'background', type: 'welcome-example', source: { kind: 'url', url: 'https://x.example/a.jpg' } }))
      .toEqual({ to: 'background', type: 'welcome-example' });
  });
});

describe('"Try another style"', async () => {
  const { nextBuiltinStyle } = await import('../../src/ui/welcome/Example');
  test('walks the built-in styles in the grid\'s order, from the one shown, and round again', () => {
    expect(nextBuiltinStyle('builtin:style19')).toBe('builtin:style20');
    expect(nextBuiltinStyle('builtin:style25')).toBe('builtin:style0');
    // After a style of the person's own (or none yet): the first built-in one.
    expect(nextBuiltinStyle('user:abc')).toBe('builtin:style0');
    expect(nextBuiltinStyle(undefined)).toBe('builtin:style0');
  });
});
