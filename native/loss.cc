// The parts of the detection loss that touch every anchor: decoding all predictions for the assigner,
// and the class BCE with its gradient. The foreground terms (a few hundred anchors) stay in JavaScript.
// Compiled with IEEE semantics: a NaN logit must make the loss NaN (the trainer stops on it).
#include <algorithm>
#include <cmath>
#include <vector>

#include "fastmath.h"
#include "taco_native.h"

namespace taco {

namespace {
constexpr int64_t kPar = 1 << 14;  // rows below which one thread is faster
}

void decodeAnchors(int64_t rows, int64_t no, int regMax, int nc, const float* d, float* scores, float* ltrb) {
#pragma omp parallel for schedule(static) if (rows > kPar / 16)
  for (int64_t r = 0; r < rows; r++) {
    const float* x = d + r * no;
    for (int s = 0; s < 4; s++) {
      const float* v = x + s * regMax;
      float m = v[0];
      for (int j = 1; j < regMax; j++) m = v[j] > m ? v[j] : m;
      float den = 0.f, num = 0.f;  // regMax (16) terms: float sums are exact to a few ulp
#pragma omp simd reduction(+ : den, num)
      for (int j = 0; j < regMax; j++) {
        const float e = expApprox(v[j] - m);
        den += e;
        num += e * float(j);
      }
      ltrb[r * 4 + s] = num / den;
    }
    for (int j = 0; j < nc; j++) scores[r * nc + j] = sigmoid(x[4 * regMax + j]);
  }
}

double clsBce(int64_t rows, int64_t no, int64_t off, int nc, const float* d, const int32_t* label, const float* score, float k,
              float* grad) {
  // The class logits, contiguous, and their targets (0 except the foreground label), so the main loop is
  // one flat vectorisable sweep.
  const int64_t n = rows * nc;
  std::vector<float> x(static_cast<size_t>(n)), z(static_cast<size_t>(n), 0.f), g(grad ? static_cast<size_t>(n) : 0);
  for (int64_t r = 0; r < rows; r++) {
    std::copy(d + r * no + off, d + r * no + off + nc, x.data() + r * nc);
    if (label[r] >= 0) z[r * nc + label[r]] = score[r];
  }
  double total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static) if (n > kPar)
  for (int64_t b = 0; b < n; b += 4096) {
    const int64_t end = std::min(n, b + 4096);
    float acc = 0.f;  // 4096 terms in float, then double
#pragma omp simd reduction(+ : acc)
    for (int64_t i = b; i < end; i++) {
      const float xv = x[i];
      const float e = expApprox(-std::fabs(xv));
      acc += (xv > 0.f ? xv : 0.f) - xv * z[i] + log1pApprox(e);
      if (grad) {
        const float sig = xv >= 0.f ? 1.f / (1.f + e) : e / (1.f + e);
        g[i] = k * (sig - z[i]);
      }
    }
    total += acc;
  }
  // A NaN logit: the float max/abs above may have hidden it; the loss must say NaN.
  for (int64_t i = 0; i < n; i++)
    if (std::isnan(x[i])) return NAN;
  if (grad)
    for (int64_t r = 0; r < rows; r++) std::copy(g.data() + r * nc, g.data() + r * nc + nc, grad + r * no + off);
  return total;
}

}  // namespace taco
