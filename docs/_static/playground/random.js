// A seeded random generator that gives the same numbers in every JavaScript engine.
//
// xoshiro128** (Blackman and Vigna 2018) works on 32-bit integers with Math.imul, shifts and
// xor, which ECMAScript defines exactly; uniform doubles are built from 53 of its bits, and
// normal deviates by Marsaglia's polar method with the logarithm and square root of
// portable-math.js, never Math.log or Math.sqrt (see there for why).

import { log, sqrt } from "./portable-math.js";

const TWO_POW_26 = 67108864;
const TWO_POW_M53 = 1.1102230246251565e-16;

/** splitmix32: spreads a 32-bit seed over a generator state, so nearby seeds share nothing. */
function splitmix32(state) {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [state, (z ^ (z >>> 16)) >>> 0];
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Random {
  /**
   * A generator for a seed (an integer in [0, 2^32)) and a stream number, so that the data
   * set and each layer draw from their own sequence: changing the depth leaves the data and
   * the layers below alone.
   */
  constructor(seed, stream = 0) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    }
    if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) {
      throw new RangeError(`stream must be an integer in [0, 2^32), got ${stream}`);
    }
    let state = (seed ^ Math.imul(stream, 0x632be5ab)) >>> 0;
    this.s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      let word;
      [state, word] = splitmix32(state);
      this.s[i] = word;
    }
    if (this.s.every((word) => word === 0)) this.s[0] = 1;
    this.spare = null;
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32() {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform double in [0, 1), a multiple of 2^-53. */
  uniform() {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) * TWO_POW_M53;
  }

  /** A standard normal deviate (Marsaglia's polar method, which yields them in pairs). */
  normal() {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = sqrt((-2 * log(s)) / s);
        this.spare = v * factor;
        return u * factor;
      }
    }
  }
}
