// tests/api/helpers/png.mjs - PNG pictures made in the tests: a w x h RGB
// gradient (with more red as `warm` grows; a big one plain grey), or with
// `claim` only a header that says w x h over a tiny body (a "decompression bomb").
import { deflateSync, crc32 } from "node:zlib";

export function png(w = 24, h = 16, { warm = 0, claim = false } = {}) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4), crc = Buffer.alloc(4), td = Buffer.concat([Buffer.from(type), data]);
    len.writeUInt32BE(data.length);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const flat = w * h > 1_000_000; // a big one is one grey, made at once
  const raw = claim ? Buffer.alloc(16) : Buffer.alloc((w * 3 + 1) * h, flat ? 0x80 : 0);
  for (let y = 0; !claim && y < h; y++) { // each row: filter none, then its pixels
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; !flat && x < w; x++) raw.set([Math.min(255, (x * 240) / w + warm), (y * 240) / h, 160], y * (w * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
