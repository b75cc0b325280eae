/* Check an exercise's answer on the static page, without the page holding the answer.
 *
 * Each form.exercise-check carries, in a <script type="application/json">, the data that
 * lettools.exercises.page_data wrote: the number of decimals the answer is asked at, a salt,
 * and the SHA-256 hashes (iterated `rounds` times) of the grid indices that count as right and
 * of those of each anticipated mistake. The reader's number is rounded half up onto the same
 * grid, hashed the same way and looked up, in the order of lettools.exercises.numeric_verdict:
 * correct, unit slip, scale slip, sign, anticipated mistake, not yet. No request leaves the page.
 */
(function () {
  "use strict";

  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  /* SHA-256 of a byte array (FIPS 180-4), returning 32 bytes. */
  function sha256(bytes) {
    const length = bytes.length;
    const blocks = ((length + 9 + 63) >> 6) << 6;
    const data = new Uint8Array(blocks);
    data.set(bytes);
    data[length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(blocks - 4, length * 8);
    view.setUint32(blocks - 8, Math.floor(length / 0x20000000));
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    for (let offset = 0; offset < blocks; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + 4 * i);
      for (let i = 16; i < 64; i++) {
        const a = w[i - 15], b = w[i - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(4 * i, h[i]);
    return out;
  }

  function pageHash(salt, index, rounds) {
    let digest = sha256(new TextEncoder().encode(salt + ":" + String(index)));
    for (let i = 1; i < rounds; i++) digest = sha256(digest);
    return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /* The grid index of a value, as lettools.exercises.grid_index; null when not exact. */
  function gridIndex(value, decimals) {
    const scaled = value * Math.pow(10, decimals);
    if (!Number.isFinite(scaled) || Math.abs(scaled) >= 2 ** 53) return null;
    return Math.floor(scaled + 0.5);
  }

  /* The reader's text as a number: spaces, thousands commas, a Unicode minus and a trailing % allowed. */
  function parseAnswer(text) {
    let cleaned = text.trim().replace(/[\u2212\u2013]/g, "-").replace(/\s/g, "").replace(/%$/, "");
    if (/^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(cleaned)) cleaned = cleaned.replace(/,/g, "");
    if (cleaned === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return null;
    const value = Number(cleaned);
    return Number.isFinite(value) ? value : null;
  }

  /* The verdict code for a number, by the rule of lettools.exercises.numeric_verdict. */
  function verdict(data, value) {
    const cache = new Map();
    const hits = (candidate, hashes) => {
      const index = gridIndex(candidate, data.decimals);
      if (index === null) return false;
      if (!cache.has(index)) cache.set(index, pageHash(data.salt, index, data.rounds));
      return hashes.includes(cache.get(index));
    };
    if (hits(value, data.accepted)) return "correct";
    if (data.unit !== "number" && hits(data.unit === "decimal" ? value / 100 : value * 100, data.accepted)) {
      return "unit";
    }
    if (data.scale !== null && hits(value / data.scale, data.accepted)) return "scale";
    if (hits(-value, data.accepted)) return "sign";
    for (let i = 0; i < data.mistakes.length; i++) {
      if (hits(value, data.mistakes[i])) return "mistake-" + i;
    }
    return "not-yet";
  }

  function check(form) {
    const data = JSON.parse(form.querySelector("script[type='application/json']").textContent);
    const input = form.querySelector("input");
    const status = form.querySelector("[role='status']");
    const value = parseAnswer(input.value);
    const code = value === null ? "invalid" : verdict(data, value);
    const message = code === "invalid"
      ? "Type a number, such as -0.25 or 12.5, then press Check."
      : data.messages[code];
    form.dataset.verdict = code;
    status.className = "exercise-check-result exercise-check-" + (code === "correct" ? "right" : "wrong");
    status.textContent = "";  // a repeated message is announced again
    window.setTimeout(() => { status.textContent = message; }, 50);
    return code;
  }

  window.exerciseCheck = { sha256, pageHash, gridIndex, parseAnswer, verdict };

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.exercise-check");
    if (!form) return;
    event.preventDefault();
    check(form);
  });
})();
