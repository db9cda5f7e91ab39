/**
 * Runs in the view frame (entrypoints/view): an extension page the content script embeds over an
 * image whose result the page must not read. It shows the file it is sent, laid out as the page
 * showed the original, and answers over the port that came with it.
 */
import { parseViewMessage, type ViewLayout, type ViewReply } from '../messaging/view';
import { t } from '../i18n/t';

let shownUrl: string | undefined;

function render(file: Blob, layout: ViewLayout): Promise<void> {
  const url = URL.createObjectURL(file);
  let el: HTMLElement;
  let loaded: Promise<void>;
  if (layout.kind === 'img') {
    const img = document.createElement('img');
    img.alt = '';
    img.style.objectFit = layout.objectFit;
    img.style.objectPosition = layout.objectPosition;
    img.src = url;
    loaded = img.decode();
    el = img;
  } else {
    const div = document.createElement('div');
    const { top, right, bottom, left } = layout.inset;
    Object.assign(div.style, {
      top: `${top}px`, right: `${right}px`, bottom: `${bottom}px`, left: `${left}px`,
      backgroundImage: `url("${url}")`, backgroundSize: layout.size, backgroundPosition: layout.position,
      backgroundRepeat: layout.repeat,
    });
    const probe = new Image();
    probe.src = url;
    loaded = probe.decode();
    el = div;
  }
  el.id = 'shown';
  return loaded.then(() => {
    // Swap in one step once decoded: no blank frame between two results.
    document.getElementById('shown')?.remove();
    document.body.append(el);
    if (shownUrl) URL.revokeObjectURL(shownUrl);
    shownUrl = url;
  }, (e) => {
    URL.revokeObjectURL(url);
    throw e;
  });
}

export function listenForViews() {
  addEventListener('message', (e: MessageEvent) => {
    // Only the window that embeds this frame sends it something to show.
    if (e.source !== parent) return;
    const port = e.ports[0];
    const msg = parseViewMessage(e.data);
    if (!msg || !port) return;
    const reply = (r: ViewReply) => {
      port.postMessage(r);
      port.close();
    };
    render(msg.file, msg.layout).then(
      () => reply({ ok: true }),
      () => reply({ ok: false, message: t('errResultNotShown') }),
    );
  });
}
