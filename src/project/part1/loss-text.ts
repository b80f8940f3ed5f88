import { DEFAULT_LOSS_HYP } from '../loss/hyp';

/**
 * The loss of ultralytics 8.0.200's v8DetectionLoss, as src/project/loss computes it, in Markdown with
 * LaTeX for renderMarkdown (KaTeX). The gains come from the code's defaults, so the text cannot drift from them.
 */
export function lossMarkdown(hyp = DEFAULT_LOSS_HYP): string {
  return String.raw`**Total.** For a batch of $B$ images, with $N = \max\big(\sum_{a,c} t_{ac},\,1\big)$ the sum of the target scores:

$$
\mathcal{L} = B\,\big(\lambda_{box}\,\mathcal{L}_{box} + \lambda_{cls}\,\mathcal{L}_{cls} + \lambda_{dfl}\,\mathcal{L}_{dfl}\big),\qquad
\lambda_{box} = ${hyp.box},\ \lambda_{cls} = ${hyp.cls},\ \lambda_{dfl} = ${hyp.dfl}
$$

**Assignment (TaskAlignedAssigner, no gradient).** An anchor is a candidate for a ground-truth box when its centre lies inside it. The alignment metric mixes the predicted probability $s$ of the box's class and the CIoU $u$ of the predicted box:
$$
m = s^{\alpha}\,u^{\beta},\qquad \alpha = ${hyp.alpha},\ \beta = ${hyp.beta}
$$
each box keeps its ${hyp.topk} best candidates, an anchor claimed twice goes to the box it overlaps most, and the target score is $t = m \cdot \max u / \max m$ (per box), which is also the weight $w_a = \sum_c t_{ac}$ of a foreground anchor.

**Box term: CIoU** (Zheng et al., 2020), over the foreground anchors $\mathcal{F}$:
$$
\mathcal{L}_{box} = \frac{1}{N}\sum_{a\in\mathcal{F}} w_a\,\big(1 - \mathrm{CIoU}(\hat b_a, b_a)\big),\qquad
\mathrm{CIoU} = \mathrm{IoU} - \frac{\rho^2(\hat b, b)}{c^2} - \alpha v,
$$
$$
v = \frac{4}{\pi^2}\Big(\arctan\frac{w}{h} - \arctan\frac{\hat w}{\hat h}\Big)^2,\qquad \alpha = \frac{v}{v - \mathrm{IoU} + 1}
$$
where $\rho$ is the distance between the box centres and $c$ the diagonal of the smallest box enclosing both ($\alpha$ is held constant for the gradient).

**Distribution focal loss** (Li et al., GFL 2020). Each side $s \in \{l, t, r, b\}$ of a box is a distance from the anchor in stride units, predicted as a softmax $S$ over $16$ bins $0..15$; the box is decoded as its expectation $\sum_i i\,S_i$. A target distance $y$ (clamped to $[0, 14.99]$) lies between bins $y^- = \lfloor y\rfloor$ and $y^+ = y^- + 1$:
$$
\mathcal{L}_{dfl} = \frac{1}{N}\sum_{a\in\mathcal{F}} \frac{w_a}{4}\sum_{s}-\Big((y^+_s - y_s)\log S_{y^-_s} + (y_s - y^-_s)\log S_{y^+_s}\Big)
$$

**Classification term: binary cross-entropy** on every anchor $a$ and class $c$, against the soft target $t_{ac}$ (zero for background anchors):
$$
\mathcal{L}_{cls} = \frac{1}{N}\sum_{a}\sum_{c}\Big(-t_{ac}\log\sigma(x_{ac}) - (1 - t_{ac})\log\big(1 - \sigma(x_{ac})\big)\Big)
$$
The seed quotes ultralytics' \`VarifocalLoss\` class; in 8.0.200 that class is defined but \`v8DetectionLoss\` uses plain BCE with the IoU-aware soft targets above, which carries the same idea (the target of a positive is its localization quality). This project reproduces what ultralytics runs, to about $10^{-6}$ against its fixtures.`.replace(/\\`/g, '`'); // String.raw keeps the backslash of an escaped backtick
}
