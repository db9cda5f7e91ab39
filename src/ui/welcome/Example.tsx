import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../i18n/errors';
import { t } from '../../i18n/t';
import { sendFromWelcome } from '../../messaging/send';
import { extensionUrl } from '../../platform/extension-url';
import { BUILTIN_STYLES } from '../../styles/builtins';

/** The photo bundled for this example (public/welcome/sample.jpg, provisioned at install). */
export const SAMPLE = '/welcome/sample.jpg';

type State =
  | { kind: 'working' }
  | { kind: 'done'; dataUrl: string; styleId: string; styleName: string }
  | { kind: 'error'; message: string };

/**
 * The built-in style after `styleId` in the grid's order (the first one after a style of the
 * person's own), so "Try another style" walks through all 26.
 */
export function nextBuiltinStyle(styleId: string | undefined): string {
  const i = BUILTIN_STYLES.findIndex((s) => s.id === styleId);
  return BUILTIN_STYLES[(i + 1) % BUILTIN_STYLES.length].id;
}

/**
 * The live example: the sample photo beside itself painted by the real pipeline, as a right-click
 * paints (the background does it, src/background/welcome.ts): first with the person's settings,
 * then with the next built-in style at each "Try another style".
 */
export function Example() {
  const [state, setState] = useState<State>({ kind: 'working' });
  const [lastStyle, setLastStyle] = useState<string>();

  const paint = async (styleId?: string) => {
    setState({ kind: 'working' });
    try {
      const reply = await sendFromWelcome({ to: 'background', type: 'welcome-example', ...(styleId ? { styleId } : {}) });
      if (!reply) setState({ kind: 'error', message: t('welcomeExampleNoAnswer') });
      else if (!reply.ok) setState({ kind: 'error', message: errorText(reply.error) });
      else {
        setLastStyle(reply.styleId);
        setState({ kind: 'done', dataUrl: reply.dataUrl, styleId: reply.styleId, styleName: reply.styleName });
      }
    } catch (e) {
      setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  useEffect(() => {
    void paint();
  }, []);

  return (
    <div class="example">
      <div class="pair">
        <figure data-example="original">
          <img src={extensionUrl(SAMPLE)} alt={t('welcomeExampleOriginalAlt')} width={257} height={257} />
          <figcaption>{t('welcomeExampleOriginal')}</figcaption>
        </figure>
        <figure data-example="result" data-state={state.kind} aria-busy={state.kind === 'working'} aria-live="polite">
          {state.kind === 'done' && (
            <>
              <img src={state.dataUrl} alt={t('welcomeExampleResultAlt', state.styleName)} width={257} height={257} data-style-id={state.styleId} />
              <figcaption>{t('welcomeExampleResult', state.styleName)}</figcaption>
            </>
          )}
          {state.kind === 'working' && (
            <div class="slot">
              <progress />
              <p>{t('welcomeExampleWorking')}</p>
            </div>
          )}
          {state.kind === 'error' && (
            <div class="slot">
              <p class="msg error" role="alert">{t('welcomeExampleFailed', state.message)}</p>
            </div>
          )}
        </figure>
      </div>
      <button type="button" data-welcome="another-style" disabled={state.kind === 'working'} onClick={() => void paint(nextBuiltinStyle(lastStyle))}>
        {t('welcomeExampleAnother')}
      </button>
    </div>
  );
}
