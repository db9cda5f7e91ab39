import { render } from 'preact';
import { browser } from 'wxt/browser';
import { t } from '../../src/i18n/t';
import { Welcome } from '../../src/ui/welcome/Welcome';

document.title = t('welcomeTitle');
document.documentElement.lang = browser.i18n.getUILanguage();
render(<Welcome />, document.getElementById('app')!);
