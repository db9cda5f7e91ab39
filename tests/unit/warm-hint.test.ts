import { describe, expect, test } from 'vitest';
import { readAheadUrl } from '../../src/content/warm-up';

const img = (currentSrc: string, complete = true, naturalWidth = 640) => ({ currentSrc, complete, naturalWidth });

describe('what a right-click offers to read ahead', () => {
  test('an image the page shows from the network', () => {
    expect(readAheadUrl(img('https://a.example/p.jpg'))).toBe('https://a.example/p.jpg');
    expect(readAheadUrl(img('http://a.example/p.jpg?v=2'))).toBe('http://a.example/p.jpg?v=2');
  });

  test('nothing for a stylized (blob:) or data: image, nor for one not loaded yet or broken', () => {
    expect(readAheadUrl(img('blob:https://a.example/5b6c'))).toBeUndefined();
    expect(readAheadUrl(img('data:image/png;base64,AAAA'))).toBeUndefined();
    expect(readAheadUrl(img('https://a.example/p.jpg', false))).toBeUndefined();
    expect(readAheadUrl(img('https://a.example/p.jpg', true, 0))).toBeUndefined();
  });
});
