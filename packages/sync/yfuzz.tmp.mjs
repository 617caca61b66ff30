import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as prng from 'lib0/prng';
const seed = Number(process.env.SEED ?? 1);
const rnd = prng.create(seed);
// honest source
const a = new Y.Doc();
const updates = [];
a.on('update', (u) => updates.push(u));
const frag = a.getXmlFragment('s1');
a.getText('t').insert(0, 'hello world');
a.getMap('meta').set('phase', 'investigation');
const arr = a.getArray('plan'); const row = new Y.Map(); arr.push([row]); row.set('x', 'y');
const el = new Y.XmlElement('paragraph'); frag.push([el]); el.push([new Y.XmlText('bonjour')]);
a.getText('t').delete(0, 3);
const full = Y.encodeStateAsUpdate(a);
let poisoned = 0, threw = 0, slow = 0;
const N = Number(process.env.N ?? 20000);
for (let i = 0; i < N; i++) {
  const b = new Y.Doc();
  b.getText('t').insert(0, 'b');
  const base = prng.bool(rnd) ? full : prng.oneOf(rnd, updates);
  const m = Uint8Array.from(base);
  const flips = prng.uint32(rnd, 1, 4);
  for (let f = 0; f < flips; f++) {
    const op = prng.uint32(rnd, 0, 2);
    const p = prng.uint32(rnd, 0, m.length - 1);
    if (op === 0) m[p] = prng.uint32(rnd, 0, 255);
    else if (op === 1) m[p] ^= 1 << prng.uint32(rnd, 0, 7);
    else m[p] = [0, 1, 127, 128, 255][prng.uint32(rnd, 0, 4)];
  }
  const t0 = performance.now();
  try { Y.applyUpdate(b, m); } catch (e) { threw++; }
  const dt = performance.now() - t0;
  if (dt > 200) { slow++; console.log('slow', i, dt); }
  try {
    const c = new Y.Doc();
    Y.applyUpdate(c, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, full);
    for (const u of updates) Y.applyUpdate(b, u);
    b.getText('t').insert(0, 'z');
    const e = syncProtocol; const enc = encoding.createEncoder(); syncProtocol.writeSyncStep1(enc, b);
    const d = new Y.Doc(); Y.applyUpdate(d, Y.encodeStateAsUpdate(b));
    const before = b.getText('t').toString();
    const sv = Y.encodeStateVector(b);
    a.getText('t').insert(0, 'N'); const nu = Y.encodeStateAsUpdate(a, sv);
    Y.applyUpdate(b, nu);
    a.getText('t').delete(0, 1);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    const c2 = new Y.Doc(); c2.getText('t').insert(0,'Q'); Y.applyUpdate(b, Y.encodeStateAsUpdate(c2));
    if (!b.getText('t').toString().includes('Q')) throw new Error('new client edits lost: ' + b.getText('t').toString());
  } catch (e) { poisoned++; if (poisoned < 10) console.log('poisoned', i, String(e).slice(0, 200)); }
}
console.log({ seed, N, threw, poisoned, slow });
