// exp and log in plain float arithmetic (Cephes' expf and logf: range reduction, a short polynomial,
// exponent bits), about 1 ulp: loops that call them vectorise, where libm's are one scalar call per
// element.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace taco {

inline float expApprox(float x) {
  x = std::min(std::max(x, -87.f), 88.f);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const int32_t bits = (int32_t(n) + 127) << 23;
  return (p * r * r + r + 1.f) * __builtin_bit_cast(float, bits);
}

/** Natural log of a positive normal float. */
inline float logApprox(float u) {
  const int32_t bits = __builtin_bit_cast(int32_t, u);
  float e = float(((bits >> 23) & 0xff) - 126);
  float x = __builtin_bit_cast(float, (bits & 0x807fffff) | 0x3f000000);  // mantissa in [0.5, 1)
  const bool small = x < 0.707106781186547524f;
  e = small ? e - 1.f : e;
  x = small ? x + x - 1.f : x - 1.f;
  const float z = x * x;
  float y = 7.0376836292e-2f;
  y = y * x - 1.1514610310e-1f;
  y = y * x + 1.1676998740e-1f;
  y = y * x - 1.2420140846e-1f;
  y = y * x + 1.4249322787e-1f;
  y = y * x - 1.6668057665e-1f;
  y = y * x + 2.0000714765e-1f;
  y = y * x - 2.4999993993e-1f;
  y = y * x + 3.3333331174e-1f;
  y *= z * x;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return x + y + 0.693359375f * e;
}

/** log(1 + e) for e >= 0, with the rounding of 1 + e corrected (accurate for small e too). */
inline float log1pApprox(float e) {
  const float u = 1.f + e;
  return u == 1.f ? e : logApprox(u) - ((u - 1.f) - e) / u;
}

inline float sigmoid(float v) { return 1.f / (1.f + expApprox(-v)); }

}  // namespace taco
