import { listenForViews } from '../../src/view/frame';

listenForViews();
