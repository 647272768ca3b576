// Elementary functions computed from IEEE 754 arithmetic alone.
//
// ECMAScript defines +, -, *, / and comparisons exactly (IEEE 754 double precision, rounded to
// nearest, never fused), and Math.round, Math.floor, Math.abs, Math.min and Math.max exactly.
// Math.exp, Math.log, Math.sin, Math.cos, Math.tanh, Math.pow and even Math.sqrt are only
// "implementation-approximated": engines may differ in the last bit, and in a training run a
// last-bit difference grows until two browsers draw different pictures from one link. The
// functions below use nothing else, so the same seed and settings give the same bits in every
// engine. They are accurate to a few units in the last place, which the cross-check against
// the package (to a relative 1e-9) leaves ample room for.

const LN2_HI = 6.93147180369123816490e-1; // high bits of ln 2: k * LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const SQRT_HALF = 0.70710678118654752440;
const EXP_MAX = 709.782712893383973096; // exp overflows above this
const EXP_MIN = -745.133219101941108420; // and underflows to 0 below this
const PIO2_1 = 1.57079632673412561417; // pi / 2 in three parts for the argument reduction
const PIO2_2 = 6.07710050650619224932e-11;
const PIO2_3 = 2.02226624879595063154e-21;
const INV_PIO2 = 6.36619772367581382433e-1;

// 1 / n! for n = 14, 13, ..., 1, the coefficients of the series of e^x - 1 (Horner order).
const EXPM1_COEFFICIENTS = [
  1 / 87178291200, 1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800,
  1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1,
];

const bits = new DataView(new ArrayBuffer(8));

/** 2^k for integer k in [-1022, 1023], built from its bit pattern (exact). */
function pow2(k) {
  bits.setUint32(0, (k + 1023) << 20, false);
  bits.setUint32(4, 0, false);
  return bits.getFloat64(0, false);
}

/** x * 2^k for integer k, exact unless the result over- or underflows. */
export function scale2(x, k) {
  while (k > 1023) {
    x *= pow2(1023);
    k -= 1023;
  }
  while (k < -1022) {
    // Two steps, so that a subnormal result is rounded once, at the end.
    x *= pow2(-1022);
    k += 1022;
    if (x === 0) return x;
  }
  return x * pow2(k);
}

/** The exponent e and mantissa m in [1, 2) of a positive, finite x = m * 2^e. */
function frexp(x) {
  let shift = 0;
  if (x < pow2(-1022)) {
    x *= pow2(54);
    shift = 54;
  }
  bits.setFloat64(0, x, false);
  const high = bits.getUint32(0, false);
  const e = ((high >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (high & 0x800fffff) | (1023 << 20), false);
  return [bits.getFloat64(0, false), e - shift];
}

/** The square root of x, within one unit in the last place. */
export function sqrt(x) {
  if (!(x > 0) || x === Infinity) return x === 0 || x === Infinity ? x : NaN;
  // x = m * 4^k with m in [1, 4): scaling by powers of two is exact.
  let [m, e] = frexp(x);
  if (e % 2 !== 0) {
    m *= 2;
    e -= 1;
  }
  // A line through (1, 1) and (4, 2) is within 6 % of sqrt on [1, 4]; each Newton step
  // squares the relative error, so five steps reach the rounding error from any start.
  let y = (m + 2) / 3;
  for (let i = 0; i < 5; i++) y = 0.5 * (y + m / y);
  return scale2(y, e / 2);
}

/** e^x - 1 for |x| <= 0.35, by its Taylor series (no cancellation for small x). */
function expm1Small(x) {
  // Terms to x^15 / 15!: the next is below 2^-60 of the sum on this interval.
  let sum = 1 / 1307674368000;
  for (let i = 0; i < EXPM1_COEFFICIENTS.length; i++) sum = sum * x + EXPM1_COEFFICIENTS[i];
  return sum * x;
}

/** The exponential function. */
export function exp(x) {
  if (x !== x) return NaN;
  if (x > EXP_MAX) return Infinity;
  if (x < EXP_MIN) return 0;
  // x = k ln 2 + r with |r| <= ln(2) / 2, and e^x = 2^k e^r.
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  return scale2(1 + expm1Small(r), k);
}

/** e^x - 1, accurate for small x too. */
export function expm1(x) {
  if (Math.abs(x) <= 0.35) return expm1Small(x);
  return exp(x) - 1;
}

/** The natural logarithm. */
export function log(x) {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let [m, e] = frexp(x);
  if (m > 2 * SQRT_HALF) {
    m /= 2;
    e += 1;
  }
  // ln m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172; m - 1 is exact here.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let series = 1 / 25;
  for (let n = 23; n >= 1; n -= 2) series = series * s2 + 1 / n;
  const lnM = 2 * s * series;
  return e * LN2_HI + (e * LN2_LO + lnM);
}

/** The hyperbolic tangent. */
export function tanh(x) {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  // tanh(22) rounds to 1 in double precision.
  if (a > 22) return x > 0 ? 1 : -1;
  const e = expm1(-2 * a);
  const t = -e / (2 + e);
  return x < 0 ? -t : t;
}

/** sin and cos of x, for the moderate angles of the data sets (|x| below about 1e6). */
export function sinCos(x) {
  const k = Math.round(x * INV_PIO2);
  const r = x - k * PIO2_1 - k * PIO2_2 - k * PIO2_3;
  const r2 = r * r;
  // Taylor series on |r| <= pi / 4, to r^17 and r^18: below 2^-60 of the result.
  let s = 1 / 355687428096000;
  let c = -1 / 6402373705728000;
  for (let n = 15; n >= 3; n -= 2) {
    s = s * r2 + (((n - 1) / 2) % 2 === 0 ? 1 : -1) / factorial(n);
    c = c * r2 + (((n + 1) / 2) % 2 === 0 ? 1 : -1) / factorial(n + 1);
  }
  const sin = r + r * r2 * s;
  const cos = 1 - r2 / 2 + r2 * r2 * c;
  switch (((k % 4) + 4) % 4) {
    case 0:
      return [sin, cos];
    case 1:
      return [cos, -sin];
    case 2:
      return [-sin, -cos];
    default:
      return [-cos, sin];
  }
}

function factorial(n) {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}
