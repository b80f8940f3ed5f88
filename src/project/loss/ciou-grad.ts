import { CIOU_EPS } from './ciou';

const K = 4 / (Math.PI * Math.PI);

/**
 * CIoU of box1 = (x1, y1, x2, y2) against a constant box2 = (X1, Y1, X2, Y2), both xyxy, and its
 * gradient with respect to box1's four coordinates, written into `grad`. Same definition as `ciou`
 * (eps on the heights, the union and c^2; alpha held constant), and the same sub-gradient choices as
 * tfjs there: min/max pass the gradient to box1 on ties, the overlap clamp passes it at exactly 0.
 *
 * With area1 = w1*h1, inter = iw*ih, union = area1 + area2 - inter + eps:
 *   d iou   = (1 + iou)/union * d inter - iou/union * d area1
 *   d rho2  = (dx d dx + dy d dy) / 2,  d c2 = 2 cw d cw + 2 ch d ch,  d (rho2/c2) = d rho2/c2 - rho2/c2^2 d c2
 *   d v     = -2K (atan(w2/h2) - atan(w1/h1)) d atan(w1/h1),  d atan(u) = du / (1 + u^2)
 *   d ciou  = d iou - d (rho2/c2) - alpha d v
 */
export function ciouWithGrad(
  x1: number, y1: number, x2: number, y2: number,
  X1: number, Y1: number, X2: number, Y2: number,
  grad: Float64Array,
): number {
  const w1 = x2 - x1;
  const h1 = y2 - y1 + CIOU_EPS;
  const w2 = X2 - X1;
  const h2 = Y2 - Y1 + CIOU_EPS;
  const iwRaw = Math.min(x2, X2) - Math.max(x1, X1);
  const ihRaw = Math.min(y2, Y2) - Math.max(y1, Y1);
  const iw = Math.max(iwRaw, 0);
  const ih = Math.max(ihRaw, 0);
  const inter = iw * ih;
  const union = w1 * h1 + w2 * h2 - inter + CIOU_EPS;
  const iou = inter / union;
  const cw = Math.max(x2, X2) - Math.min(x1, X1);
  const ch = Math.max(y2, Y2) - Math.min(y1, Y1);
  const c2 = cw * cw + ch * ch + CIOU_EPS;
  const dx = X1 + X2 - x1 - x2;
  const dy = Y1 + Y2 - y1 - y2;
  const rho2 = (dx * dx + dy * dy) / 4;
  const u = w1 / h1;
  const da = Math.atan(w2 / h2) - Math.atan(u);
  const v = K * da * da;
  const alpha = v / (v - iou + 1 + CIOU_EPS);

  // d inter / d coordinate, through the clamp (open at >= 0) and the min/max picks.
  const miw = iwRaw >= 0 ? 1 : 0;
  const mih = ihRaw >= 0 ? 1 : 0;
  const dInter = [
    -ih * miw * (x1 >= X1 ? 1 : 0),
    -iw * mih * (y1 >= Y1 ? 1 : 0),
    ih * miw * (x2 <= X2 ? 1 : 0),
    iw * mih * (y2 <= Y2 ? 1 : 0),
  ];
  const dArea1 = [-h1, -w1, h1, w1];
  const dRho2 = [-dx / 2, -dy / 2, -dx / 2, -dy / 2];
  const dC2 = [-2 * cw * (x1 <= X1 ? 1 : 0), -2 * ch * (y1 <= Y1 ? 1 : 0), 2 * cw * (x2 >= X2 ? 1 : 0), 2 * ch * (y2 >= Y2 ? 1 : 0)];
  // d atan(w1/h1): w1 moves with x2 - x1, h1 with y2 - y1.
  const s = 1 / (1 + u * u);
  const dAtan = [-s / h1, (s * w1) / (h1 * h1), s / h1, (-s * w1) / (h1 * h1)];
  const a = (1 + iou) / union;
  const b = iou / union;
  for (let k = 0; k < 4; k++) {
    const dIou = a * dInter[k] - b * dArea1[k];
    const dDist = dRho2[k] / c2 - (rho2 / (c2 * c2)) * dC2[k];
    const dV = -2 * K * da * dAtan[k];
    grad[k] = dIou - dDist - alpha * dV;
  }
  return iou - (rho2 / c2 + v * alpha);
}
