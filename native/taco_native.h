// The addon's C++ interface: oneDNN convolutions plus OpenMP loops for the memory-bound ops.
// Activations are NHWC, kernels HWIO, all float32, all buffers owned by JavaScript.
#pragma once
#include <cstdint>
#include <string>
#include <dnnl.hpp>

namespace taco {

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

/** Geometry of one convolution; pads are explicit (top, left, bottom, right), dilation 1 = dense. */
struct ConvGeom {
  int64_t n, h, w, ci, ho, wo, co, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
};

void convForward(const ConvGeom& g, const float* x, const float* w, const float* bias, int act, bool training, float* y);
void convBackwardData(const ConvGeom& g, const float* dy, const float* w, float* dx);
void convBackwardWeights(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db);
/** Both gradients of one convolution in one call: where both passes want dy in another layout (Winograd),
 *  it is reordered once. db may be null. */
void convBackward(const ConvGeom& g, const float* x, const float* dy, const float* w, float* dx, float* dw, float* db);
/** oneDNN's name for the implementation a training pass ('f' forward, 'd' backward-data, 'w' backward-weights)
 *  of this geometry runs ("matmul" for 1x1 weight gradients), e.g. to see where Winograd is used. */
std::string convImpl(const ConvGeom& g, char pass);

/** Training BN over the rows of z [M, C], then SiLU when act; writes batch mean, biased var and 1/sqrt(var+eps). */
void bnActForwardTrain(int64_t m, int64_t c, const float* z, const float* gamma, const float* beta, float eps, int act, float* y,
                       float* mean, float* var, float* invstd);
/** Gradient of bnActForwardTrain: dz, dgamma, dbeta from dy and the saved z, mean, invstd. */
void bnActBackward(int64_t m, int64_t c, const float* dy, const float* z, const float* gamma, const float* beta, const float* mean,
                   const float* invstd, int act, float* dz, float* dgamma, float* dbeta);
/** out[M, sum(cs)] = concat of parts[i] [M, cs[i]] along channels. */
void concatChannels(int64_t m, int n, const float* const* parts, const int64_t* cs, float* out);
/** The inverse of concatChannels. */
void splitChannels(int64_t m, int n, const float* x, const int64_t* cs, float* const* outs);
/** outs[i] = a[i] + b[i]: the C2f shortcut and gradient sums. */
void addInto(int64_t n, const float* a, const float* b, float* out);

/** out = a OP b over a collapsed broadcast shape; sa/sb are element strides (0 where broadcast).
 *  op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum, 6 squared difference. */
void binaryOp(int op, int rank, const int64_t* shape, const int64_t* sa, const int64_t* sb, const float* a, const float* b, float* out);
/** out[o, i] = sum over m of x[o, m, i]. */
void sumMiddle(int64_t outer, int64_t mid, int64_t inner, const float* x, float* out);
/** out = x[begin : begin + size] (row-major, any rank >= 1). */
void sliceCopy(int rank, const int64_t* shape, const int64_t* begin, const int64_t* size, const float* x, float* out);
/** k x k max-pool, stride 1, pad k/2, NHWC; arg holds the flat input pixel each maximum came from. */
void maxPoolSame(int64_t n, int64_t h, int64_t w, int64_t c, int k, const float* x, float* y, int32_t* arg);
void maxPoolSameBackward(int64_t n, int64_t h, int64_t w, int64_t c, const float* dy, const int32_t* arg, float* dx);
/** Nearest 2x upsample of NHWC x [n, h, w, c] and its gradient (the sum of each 2x2 block). */
void upsample2x(int64_t n, int64_t h, int64_t w, int64_t c, const float* x, float* y);
void upsample2xBackward(int64_t n, int64_t h, int64_t w, int64_t c, const float* dy, float* dx);

/** One SGD step (nesterov, dampening 0, L2 decay wd) on p and its momentum buffer, in place. */
void sgdStep(int64_t n, float* p, const float* g, float* buf, float lr, float mom, float wd, bool first);
/** Adam's scalars, each rounded to float32 from the same double the tfjs path rounds:
 *  l2 = wd for Adam (0 for AdamW), keep = 1 - lr*wd for AdamW (1 for Adam), om = 1 - beta, stepSize = lr / (1 - beta1^t). */
struct AdamHyper {
  float beta1, om1, beta2, om2, eps, l2, keep, sqrtBc2, stepSize;
};
/** One Adam (L2 decay) or AdamW (decoupled decay) step on p, m, v in place. */
void adamStep(int64_t n, float* p, const float* g, float* m, float* v, const AdamHyper& h);

/** Every anchor's sigmoid class scores [rows, nc] and DFL distances [rows, 4] from head rows [rows, no]. */
void decodeAnchors(int64_t rows, int64_t no, int regMax, int nc, const float* d, float* scores, float* ltrb);
/** Sum over rows and classes of BCE(logit, target), the target being score[r] on label[r] (-1: none) and 0
 *  elsewhere; logits at d[r*no + off + j]. With grad, writes k*(sigmoid - target) at the same places. */
double clsBce(int64_t rows, int64_t no, int64_t off, int nc, const float* d, const int32_t* label, const float* score, float k,
              float* grad);
/** The model EMA in place: e = d*e + (1-d)*v. */
void emaUpdate(int64_t n, float* e, const float* v, float d);

}  // namespace taco
