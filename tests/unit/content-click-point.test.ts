/**
 * Where on its picture an image was right-clicked (src/content/click-point.ts), through object-fit
 * and object-position. happy-dom lays nothing out: each image gets its box and natural size by hand.
 */
import { describe, expect, test } from 'vitest';
import { pointOnPicture } from '../../src/content/click-point';

/** A 200×100 box showing a 400×400 picture, with `style`. */
function image(style: string) {
  const img = document.createElement('img');
  img.setAttribute('style', style);
  document.body.append(img);
  Object.defineProperty(img, 'naturalWidth', { value: 400 });
  Object.defineProperty(img, 'naturalHeight', { value: 400 });
  img.getBoundingClientRect = () => ({ left: 10, top: 20, width: 200, height: 100, right: 210, bottom: 120, x: 10, y: 20, toJSON() {} }) as DOMRect;
  return img;
}

describe('pointOnPicture', () => {
  test('fill (the default) stretches the picture over the box', () => {
    expect(pointOnPicture(image(''), 60, 45)).toEqual({ x: 0.25, y: 0.25 });
  });

  test('contain letterboxes it: a click on a band is not on the picture', () => {
    const img = image('object-fit: contain');
    // The picture is 100×100, centred: x 60…160.
    expect(pointOnPicture(img, 85, 45)).toEqual({ x: 0.25, y: 0.25 });
    expect(pointOnPicture(img, 30, 45)).toBeUndefined();
  });

  test('cover crops it, and object-position moves the crop', () => {
    // 200×200 picture over a 200×100 box, centred: its rows 50…150 show.
    expect(pointOnPicture(image('object-fit: cover'), 110, 20)).toEqual({ x: 0.5, y: 0.25 });
    // Aligned to the top: rows 0…100 show.
    expect(pointOnPicture(image('object-fit: cover; object-position: 50% 0%'), 110, 20)).toEqual({ x: 0.5, y: 0 });
  });

  test('padding and borders are not the picture', () => {
    const img = image('padding: 10px; border: 5px solid red');
    // Content box: left 25, top 35, 170×70.
    expect(pointOnPicture(img, 25 + 85, 35 + 35)).toEqual({ x: 0.5, y: 0.5 });
    expect(pointOnPicture(img, 15, 30)).toBeUndefined();
  });
});
