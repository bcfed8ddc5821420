#!/usr/bin/env node
// Draws Berth's icons (app icon and the four tray states) as PNGs with no dependencies, so the
// repository needs no downloaded artwork. Run `node resources/generate-icons.js` to regenerate.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const here = new URL('.', import.meta.url);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels (size × size) as a PNG. */
function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x + 0.5, y + 0.5, size), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const clamp = (value) => Math.max(0, Math.min(1, value));
const hex = (color) => [1, 3, 5].map((index) => parseInt(color.slice(index, index + 2), 16));

/** A filled disc in `color` with a white ring inside: readable on light and dark trays. */
function badge(color) {
  const [r, g, b] = hex(color);
  return (x, y, size) => {
    const distance = Math.hypot(x - size / 2, y - size / 2) / (size / 2);
    const edge = size / 2;
    // Coverage of each shape in this pixel, antialiased over one pixel's width.
    const disc = clamp((1 - distance) * edge + 0.5);
    const ring = clamp((0.14 - Math.abs(distance - 0.52)) * edge + 0.5);
    const white = Math.min(ring, disc);
    return [Math.round(r + (255 - r) * white), Math.round(g + (255 - g) * white), Math.round(b + (255 - b) * white), Math.round(255 * disc)];
  };
}

const TRAY = { ok: '#2ea043', warning: '#d29922', error: '#da3633', idle: '#8b949e' };
for (const [tone, color] of Object.entries(TRAY)) {
  writeFileSync(new URL(`tray-${tone}.png`, here), png(16, badge(color)));
  writeFileSync(new URL(`tray-${tone}@2x.png`, here), png(32, badge(color)));
}
writeFileSync(new URL('icon.png', here), png(256, badge('#1f6feb')));
console.log('Wrote resources/icon.png and resources/tray-{ok,warning,error,idle}(@2x).png');
