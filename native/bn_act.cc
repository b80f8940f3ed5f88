// Memory-bound ops in OpenMP loops: training batch norm fused with SiLU (forward and backward), and channel concat/split.
#include <cmath>
#include <cstring>
#include <vector>

#include "taco_native.h"

namespace taco {

namespace {
inline float sigmoid(float v) { return 1.f / (1.f + std::exp(-v)); }

// Column sums of f(row, col) over rows, per thread in double then merged: the per-channel statistics.
template <class F>
void columnSums(int64_t m, int64_t c, double* out, F f) {
  std::memset(out, 0, sizeof(double) * c);
#pragma omp parallel
  {
    std::vector<double> acc(c, 0.0);
    std::vector<float> part(c);
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < m; r0 += 64) {
      // A float block of up to 64 rows keeps the inner loop vectorised; double only across blocks.
      std::fill(part.begin(), part.end(), 0.f);
      const int64_t r1 = r0 + 64 < m ? r0 + 64 : m;
      for (int64_t r = r0; r < r1; r++) f(r, part.data());
      for (int64_t j = 0; j < c; j++) acc[j] += part[j];
    }
#pragma omp critical
    for (int64_t j = 0; j < c; j++) out[j] += acc[j];
  }
}
}  // namespace

void bnActForwardTrain(int64_t m, int64_t c, const float* z, const float* gamma, const float* beta, float eps, int act, float* y,
                       float* mean, float* var, float* invstd) {
  std::vector<double> s(c), s2(c);
  columnSums(m, c, s.data(), [&](int64_t r, float* p) {
    const float* zr = z + r * c;
    for (int64_t j = 0; j < c; j++) p[j] += zr[j];
  });
  std::vector<float> mu(c);
  for (int64_t j = 0; j < c; j++) mu[j] = float(s[j] / double(m));
  // Two passes (mean, then centred squares) keep the variance accurate for large means.
  columnSums(m, c, s2.data(), [&](int64_t r, float* p) {
    const float* zr = z + r * c;
    for (int64_t j = 0; j < c; j++) {
      const float d = zr[j] - mu[j];
      p[j] += d * d;
    }
  });
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; j++) {
    mean[j] = mu[j];
    var[j] = float(s2[j] / double(m));
    invstd[j] = 1.f / std::sqrt(var[j] + eps);
    scale[j] = gamma[j] * invstd[j];
    shift[j] = beta[j] - mu[j] * scale[j];
  }
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    const float* zr = z + r * c;
    float* yr = y + r * c;
    if (act) {
      for (int64_t j = 0; j < c; j++) {
        const float v = zr[j] * scale[j] + shift[j];
        yr[j] = v * sigmoid(v);
      }
    } else {
      for (int64_t j = 0; j < c; j++) yr[j] = zr[j] * scale[j] + shift[j];
    }
  }
}

void bnActBackward(int64_t m, int64_t c, const float* dy, const float* z, const float* gamma, const float* beta, const float* mean,
                   const float* invstd, int act, float* dz, float* dgamma, float* dbeta) {
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; j++) {
    scale[j] = gamma[j] * invstd[j];
    shift[j] = beta[j] - mean[j] * scale[j];
  }
  // Pass 1: dyb (the gradient at the BN output) into dz, and its sums for dbeta and dgamma.
  std::vector<double> sb(c), sg(c);
  if (act) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < m; r++) {
      const float* zr = z + r * c;
      const float* dr = dy + r * c;
      float* o = dz + r * c;
      for (int64_t j = 0; j < c; j++) {
        const float v = zr[j] * scale[j] + shift[j];
        const float sg1 = sigmoid(v);
        o[j] = dr[j] * sg1 * (1.f + v * (1.f - sg1));
      }
    }
  } else {
    std::memcpy(dz, dy, sizeof(float) * m * c);
  }
  columnSums(m, c, sb.data(), [&](int64_t r, float* p) {
    const float* o = dz + r * c;
    for (int64_t j = 0; j < c; j++) p[j] += o[j];
  });
  columnSums(m, c, sg.data(), [&](int64_t r, float* p) {
    const float* o = dz + r * c;
    const float* zr = z + r * c;
    for (int64_t j = 0; j < c; j++) p[j] += o[j] * (zr[j] - mean[j]) * invstd[j];
  });
  std::vector<float> mb(c), mg(c);
  for (int64_t j = 0; j < c; j++) {
    dbeta[j] = float(sb[j]);
    dgamma[j] = float(sg[j]);
    mb[j] = float(sb[j] / double(m));
    mg[j] = float(sg[j] / double(m));
  }
  // Pass 2: dz = gamma * invstd * (dyb - mean(dyb) - xhat * mean(dyb * xhat)).
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    const float* zr = z + r * c;
    float* o = dz + r * c;
    for (int64_t j = 0; j < c; j++) {
      const float xh = (zr[j] - mean[j]) * invstd[j];
      o[j] = scale[j] * (o[j] - mb[j] - xh * mg[j]);
    }
  }
}

void concatChannels(int64_t m, int n, const float* const* parts, const int64_t* cs, float* out) {
  int64_t total = 0;
  for (int i = 0; i < n; i++) total += cs[i];
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    float* o = out + r * total;
    for (int i = 0; i < n; i++) {
      std::memcpy(o, parts[i] + r * cs[i], sizeof(float) * cs[i]);
      o += cs[i];
    }
  }
}

void splitChannels(int64_t m, int n, const float* x, const int64_t* cs, float* const* outs) {
  int64_t total = 0;
  for (int i = 0; i < n; i++) total += cs[i];
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m; r++) {
    const float* xr = x + r * total;
    for (int i = 0; i < n; i++) {
      std::memcpy(outs[i] + r * cs[i], xr, sizeof(float) * cs[i]);
      xr += cs[i];
    }
  }
}

void addInto(int64_t n, const float* a, const float* b, float* out) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

}  // namespace taco
