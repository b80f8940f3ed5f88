/**
 * PyTorch's update rules written out by hand for one scalar parameter starting at 1 (lr 0.1, momentum /
 * beta1 0.9, beta2 0.999, eps 1e-8, weight decay 0.01): the reference both optimizer tests check against.
 * SGD: nesterov with L2 decay (d = g + wd*p; buf = d at t=1, else mom*buf + d; p -= lr*(d + mom*buf)).
 * Adam: L2 decay added to the gradient; AdamW: decoupled decay p *= 1 - lr*wd before the step.
 */
export function torchReference(name: 'SGD' | 'Adam' | 'AdamW', grads: number[]): number {
  const lr = 0.1, mom = 0.9, wd = 0.01;
  let p = 1;
  if (name === 'SGD') {
    let buf = 0;
    grads.forEach((gi, t) => {
      const d = gi + wd * p;
      buf = t === 0 ? d : mom * buf + d;
      p -= lr * (d + mom * buf);
    });
    return p;
  }
  let m = 0, v = 0;
  grads.forEach((gi, k) => {
    const t = k + 1;
    let d = gi;
    if (name === 'AdamW') p *= 1 - lr * wd;
    else d += wd * p;
    m = mom * m + (1 - mom) * d;
    v = 0.999 * v + 0.001 * d * d;
    p -= (lr / (1 - mom ** t)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
  });
  return p;
}
