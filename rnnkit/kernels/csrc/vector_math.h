// Elementwise activations written so that gcc vectorises them inside `#pragma omp simd` loops.
//
// No libm calls: exp is a range reduction (x = n ln2 + r) and a Taylor polynomial in r, scaled by
// 2^n built directly in the exponent bits. Float uses degree 7 (< 1 ulp on |r| <= ln2/2), double
// degree 13. Every activation also knows its derivative as a function of its own *output*, which
// is what the backward passes keep.
#pragma once

#include <cstdint>
#include <cstring>

// enum ActivationCode (kTanh, kSigmoid, ...): the codes the Python side passes. The header is
// generated at build time from rnnkit/kernels/activation_codes.py, the one table of them.
#include "activation_codes.h"

// Forced inlining: a call to a scalar exp inside a simd loop would stop its vectorisation, and
// gcc's inliner gives up inside the larger fused loops.
#define RNNKIT_INLINE inline __attribute__((always_inline))

namespace rnnkit {


template <typename T>
struct ExpConstants;

template <>
struct ExpConstants<float> {
  using Bits = int32_t;
  static constexpr float lo = -87.0f, hi = 88.0f;
  static constexpr float log2e = 1.44269504088896341f;
  static constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
  static constexpr int mantissa = 23;
  static constexpr Bits bias = 127;
  static constexpr float round_magic = 12582912.0f;  // 1.5 * 2^23
  static RNNKIT_INLINE float poly(float r) {
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    return p * r + 1.0f;
  }
};

template <>
struct ExpConstants<double> {
  using Bits = int64_t;
  static constexpr double lo = -708.0, hi = 709.0;
  static constexpr double log2e = 1.4426950408889634074;
  static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  static constexpr int mantissa = 52;
  static constexpr Bits bias = 1023;
  static constexpr double round_magic = 6755399441055744.0;  // 1.5 * 2^52
  static RNNKIT_INLINE double poly(double r) {
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    return p * r + 1.0;
  }
};

template <typename T>
RNNKIT_INLINE T fast_exp(T x) {
  using C = ExpConstants<T>;
  x = x < C::lo ? C::lo : (x > C::hi ? C::hi : x);
  // Adding and subtracting 1.5 * 2^mantissa rounds to nearest in two plain additions.
  const T n = (x * C::log2e + C::round_magic) - C::round_magic;
  T r = x - n * C::ln2_hi - n * C::ln2_lo;
  typename C::Bits bits = (static_cast<typename C::Bits>(n) + C::bias) << C::mantissa;
  T scale;
  std::memcpy(&scale, &bits, sizeof(T));
  return C::poly(r) * scale;
}

template <typename T>
RNNKIT_INLINE T fast_sigmoid(T x) {
  return T(1) / (T(1) + fast_exp(-x));
}

template <typename T>
RNNKIT_INLINE T fast_tanh(T x) {
  // tanh(|x|) = (1 - e) / (1 + e) with e = exp(-2|x|) in (0, 1]: no overflow, sign restored after.
  T a = x < T(0) ? -x : x;
  T e = fast_exp(T(-2) * a);
  T t = (T(1) - e) / (T(1) + e);
  return x < T(0) ? -t : t;
}

// One struct per activation: value(x), and slope(y) = d value / d x written in terms of y = value(x).
struct Tanh {
  template <typename T> static RNNKIT_INLINE T value(T x) { return fast_tanh(x); }
  template <typename T> static RNNKIT_INLINE T slope(T y) { return T(1) - y * y; }
};

struct Sigmoid {
  template <typename T> static RNNKIT_INLINE T value(T x) { return fast_sigmoid(x); }
  template <typename T> static RNNKIT_INLINE T slope(T y) { return y * (T(1) - y); }
};

// Keras 3: clip(x / 6 + 1/2, 0, 1). At the two corner points (a set of measure zero) the slope is 0.
struct HardSigmoid {
  template <typename T> static RNNKIT_INLINE T value(T x) {
    T v = x * T(1.0 / 6.0) + T(0.5);
    return v < T(0) ? T(0) : (v > T(1) ? T(1) : v);
  }
  template <typename T> static RNNKIT_INLINE T slope(T y) {
    return (y > T(0) && y < T(1)) ? T(1.0 / 6.0) : T(0);
  }
};

struct Relu {
  template <typename T> static RNNKIT_INLINE T value(T x) { return x > T(0) ? x : T(0); }
  template <typename T> static RNNKIT_INLINE T slope(T y) { return y > T(0) ? T(1) : T(0); }
};

}  // namespace rnnkit
