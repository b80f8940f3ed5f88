// The optimizer step fused into one pass per parameter: read the gradient, update the moment buffers
// and the parameter in place. tfjs spent about six small ops (and six fresh arrays) per parameter on
// this; here it is one memory-bound loop. The arithmetic follows the plain-tfjs path operation by
// operation in float32, so both agree to rounding.
#include <cmath>
#include <cstdint>

#include "taco_native.h"

namespace taco {

namespace {
constexpr int64_t kPar = 1 << 15;
}

namespace {
// The branches are template arguments so each loop body is straight-line code GCC vectorizes.
template <bool L2, bool FIRST>
void sgdLoop(int64_t n, float* __restrict p, const float* __restrict g, float* __restrict buf, float lr, float mom, float wd) {
#pragma omp parallel for schedule(static) if (n > kPar)
  for (int64_t i = 0; i < n; i++) {
    const float d = L2 ? g[i] + p[i] * wd : g[i];
    const float b = FIRST ? d : buf[i] * mom + d;
    buf[i] = b;
    const float upd = d + b * mom;  // nesterov
    p[i] = p[i] - upd * lr;
  }
}

template <bool L2>
void adamLoop(int64_t n, float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, const AdamHyper hp) {
  const float beta1 = hp.beta1, om1 = hp.om1, beta2 = hp.beta2, om2 = hp.om2, eps = hp.eps, l2 = hp.l2, keep = hp.keep,
              sqrtBc2 = hp.sqrtBc2, stepSize = hp.stepSize;
#pragma omp parallel for schedule(static) if (n > kPar)
  for (int64_t i = 0; i < n; i++) {
    const float d = L2 ? g[i] + p[i] * l2 : g[i];
    const float base = p[i] * keep;
    const float mi = m[i] * beta1 + d * om1;
    const float vi = v[i] * beta2 + (d * d) * om2;
    m[i] = mi;
    v[i] = vi;
    const float denom = std::sqrt(vi) / sqrtBc2 + eps;
    p[i] = base - (mi / denom) * stepSize;
  }
}
}  // namespace

void sgdStep(int64_t n, float* p, const float* g, float* buf, float lr, float mom, float wd, bool first) {
  const bool l2 = wd != 0.f;
  if (l2 && first) sgdLoop<true, true>(n, p, g, buf, lr, mom, wd);
  else if (l2) sgdLoop<true, false>(n, p, g, buf, lr, mom, wd);
  else if (first) sgdLoop<false, true>(n, p, g, buf, lr, mom, wd);
  else sgdLoop<false, false>(n, p, g, buf, lr, mom, wd);
}

void adamStep(int64_t n, float* p, const float* g, float* m, float* v, const AdamHyper& h) {
  if (h.l2 != 0.f) adamLoop<true>(n, p, g, m, v, h);
  else adamLoop<false>(n, p, g, m, v, h);
}

void emaUpdate(int64_t n, float* e, const float* v, float d) {
  const float keep = 1.f - d;
#pragma omp parallel for schedule(static) if (n > kPar)
  for (int64_t i = 0; i < n; i++) e[i] = e[i] * d + v[i] * keep;
}

}  // namespace taco
