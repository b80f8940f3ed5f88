import { Answer, md } from './types';

const q1: Answer = {
  id: 'backprop.q1',
  number: '1',
  question: md`
You wish to train the following 2-layer MLP for a binary classification task:
$$\hat{y}^{(i)} =\mat{W}_2~ \varphi(\mat{W}_1 \vec{x}^{(i)}+ \vec{b}_1) + \vec{b}_2$$
Your wish to minimize the in-sample loss function is defined as
$$L_{\mathcal{S}} = \frac{1}{N}\sum_{i=1}^{N}\ell(y^{(i)},\hat{y}^{(i)}) + \frac{\lambda}{2}\left(\norm{\mat{W}_1}_{F}^{2} + \norm{\mat{W}_2}_{F}^{2} \right)$$
Where the pointwise loss is binary cross-entropy:
$$\ell(y, \hat{y}) = - y \log(\hat{y}) - (1-y) \log(1-\hat{y})$$
Write an analytic expression for the derivative of the final loss $L_{\mathcal{S}}$ w.r.t. each of the following tensors: $\mat{W}_1$, $\mat{W}_2$, $\vec{b}_1$, $\vec{b}_2$, $\vec{x}$.`,
  answer: md`
**Shapes and notation.** $\vec x^{(i)}\in\mathbb R^{d}$, $\mat W_1\in\mathbb R^{h\times d}$, $\vec b_1\in\mathbb R^h$, $\mat W_2\in\mathbb R^{1\times h}$, $b_2\in\mathbb R$. Per sample,
$$\vec z^{(i)} = \mat W_1\vec x^{(i)}+\vec b_1,\qquad \vec a^{(i)}=\varphi(\vec z^{(i)}),\qquad \hat y^{(i)} = \mat W_2\vec a^{(i)} + b_2 .$$
$\varphi$ is the hidden activation (any differentiable element-wise function, e.g. ReLU or tanh); it has nothing to do with the output.

**The output.** $\hat y$ is an unbounded affine output, so $\log\hat y$ is not even defined in general. BCE needs a probability, so $\hat y$ must be read as a **logit**: $p^{(i)}=\sigma(\hat y^{(i)})$ and $\ell = -y\log p-(1-y)\log(1-p)$ (BCE-with-logits). Then
$$\delta^{(i)} := \frac{\partial\ell^{(i)}}{\partial\hat y^{(i)}} = \Bigl(-\frac{y}{p}+\frac{1-y}{1-p}\Bigr)p(1-p) = \sigma(\hat y^{(i)})-y^{(i)} .$$
(If one instead assumes $\hat y\in(0,1)$ is already a probability and plugs it into BCE directly, $\delta^{(i)}=\frac{\hat y^{(i)}-y^{(i)}}{\hat y^{(i)}(1-\hat y^{(i)})}$. The formulas below hold for either $\delta$.)

Backpropagating $\delta^{(i)}$ to the hidden layer, with $\odot$ the element-wise product,
$$\vec g^{(i)} := \frac{\partial\ell^{(i)}}{\partial\vec z^{(i)}} = \bigl(\mat W_2^\top\delta^{(i)}\bigr)\odot\varphi'(\vec z^{(i)})\in\mathbb R^h .$$

**Gradients.** Using $\frac{\partial}{\partial\mat W}\frac{\lambda}{2}\norm{\mat W}_F^2=\lambda\mat W$:
$$\frac{\partial L_\mathcal S}{\partial\mat W_2} = \frac1N\sum_{i=1}^N\delta^{(i)}\,\vec a^{(i)\top} + \lambda\mat W_2 \quad(1\times h)$$
$$\frac{\partial L_\mathcal S}{\partial b_2} = \frac1N\sum_{i=1}^N\delta^{(i)}$$
$$\frac{\partial L_\mathcal S}{\partial\mat W_1} = \frac1N\sum_{i=1}^N\vec g^{(i)}\,\vec x^{(i)\top} + \lambda\mat W_1 \quad(h\times d)$$
$$\frac{\partial L_\mathcal S}{\partial\vec b_1} = \frac1N\sum_{i=1}^N\vec g^{(i)}$$
$$\frac{\partial L_\mathcal S}{\partial\vec x^{(i)}} = \frac1N\,\mat W_1^\top\vec g^{(i)} = \frac1N\,\mat W_1^\top\Bigl(\bigl(\mat W_2^\top\delta^{(i)}\bigr)\odot\varphi'(\vec z^{(i)})\Bigr)\quad(d)$$

Notes: $\partial\hat y/\partial\mat W_2 = \vec a^\top=\varphi(\vec z)^\top$ (the activation, not its derivative); the weight gradients are outer products; the regulariser does not involve the biases or $\vec x$; and the gradient with respect to one input $\vec x^{(i)}$ is **not** summed over samples, because only the $i$-th term of the loss depends on it. In matrix form, with $\mat X\in\mathbb R^{N\times d}$, $\mat A$ the $N\times h$ hidden activations, $\boldsymbol\delta\in\mathbb R^N$ and $\mat G=(\boldsymbol\delta\mat W_2)\odot\varphi'(\mat Z)$: $\nabla_{\mat W_2}=\frac1N\boldsymbol\delta^\top\mat A+\lambda\mat W_2$, $\nabla_{\mat W_1}=\frac1N\mat G^\top\mat X+\lambda\mat W_1$, $\nabla_{\mat X}=\frac1N\mat G\mat W_1$.
`,
};

const q2: Answer = {
  id: 'backprop.q2',
  number: '2',
  question: md`
The derivative of a function $f(\vec{x})$ at a point $\vec{x}_0$ is
$$f'(\vec{x}_0)=\lim_{\Delta\vec{x}\to 0} \frac{f(\vec{x}_0+\Delta\vec{x})-f(\vec{x}_0)}{\Delta\vec{x}}$$
1. Explain how this formula can be used in order to compute gradients of neural network parameters numerically, without automatic differentiation (AD).
2. What are the drawbacks of this approach? List at least two drawbacks compared to AD.`,
  answer: md`
**2.1** Put all $P$ parameters in one vector $\vec\theta$ and fix the data batch, so the loss is a scalar function $L(\vec\theta)$. Each partial derivative is a one-dimensional derivative along a coordinate axis $\vec e_k$ (a scalar step $\delta$ along one parameter, not a vector in the denominator):
$$\frac{\partial L}{\partial\theta_k} = \lim_{\delta\to0}\frac{L(\vec\theta+\delta\vec e_k)-L(\vec\theta)}{\delta}\approx\frac{L(\vec\theta+\delta\vec e_k)-L(\vec\theta)}{\delta}\quad\text{for a small }\delta .$$
So: run one forward pass to get $L(\vec\theta)$; then for each parameter $k$ perturb only $\theta_k$ by $\delta$, run a forward pass, take the difference quotient and restore $\theta_k$. Stacking the $P$ quotients gives $\nabla_{\vec\theta}L$, used exactly like the AD gradient. In practice the **central difference**
$$\frac{\partial L}{\partial\theta_k}\approx\frac{L(\vec\theta+\delta\vec e_k)-L(\vec\theta-\delta\vec e_k)}{2\delta}$$
is preferred: its truncation error is $O(\delta^2)$ instead of $O(\delta)$.

**2.2** Drawbacks compared with AD:
1. **Cost.** $P+1$ forward passes (forward difference) or $2P$ (central) per gradient, where reverse-mode AD gets all $P$ partial derivatives from one forward and one backward pass (a small constant multiple of a forward pass, independent of $P$). For a network with millions of parameters this is millions of times slower.
2. **Accuracy.** The result is an approximation with two competing errors: truncation, $O(\delta)$ (or $O(\delta^2)$), wants a small $\delta$; floating-point cancellation, about $\varepsilon|L|/\delta$ with machine epsilon $\varepsilon$, wants a large one. The best forward-difference error is only about $\sqrt{\varepsilon}$: $1.5\times10^{-8}$ in float64, but $3.5\times10^{-4}$ (relative) in float32 (the demo sweeps $\delta$ for $e^x$ and finds a best worst-case error of $1.6\times10^{-8}$ and $4.4\times10^{-4}$). With float32 and $\delta=10^{-6}$ it is much worse: $L$ changes by about $g\,\delta\approx10^{-7}$, less than the float32 spacing of $L$ ($2^{-23}\approx1.19\times10^{-7}$ for $1\le L<2$), so every quotient comes out as $0$ or $2^{-23}/\delta\approx0.119$, whatever the gradient. In the demo (the homework's loss, seed 0) a gradient entry of $0.095$ comes out as $0$, a 100% error, and over 100 seeds the worst entry is off by 20% to 160%. AD is exact up to round-off.
3. **Non-smoothness and randomness.** At a kink the derivative does not exist and the schemes disagree: for ReLU at 0 a forward difference returns the right-hand derivative ($1$), a backward difference the left-hand one ($0$), a central difference their average ($0.5$), while AD returns the framework's chosen subgradient ($0$ in PyTorch and TF.js), so a gradient check reports a mismatch that is no bug (max-pooling ties behave alike). Stochastic layers (dropout, sampling) must be frozen with a fixed seed, or the quotient measures noise.

Numerical gradients remain useful as a **check** of an AD or hand-written backward pass on a small problem (gradient checking), in float64 or with a tolerance that accounts for the errors above.
`,
  demos: ['numeric-gradient', 'difference-error'],
};

const q3: Answer = {
  id: 'backprop.q3',
  number: '3',
  question: md`
Given the following code snippet:
1. Write a short snippet that implements that calculates gradient of \`loss\` w.r.t. \`W\` and \`b\` using the approach of numerical gradients from the previous question.
2. Calculate the same derivatives with autograd.
3. Show, by calling \`torch.allclose()\` that your numerical gradient is close to autograd's gradient.

\`\`\`python
N, d = 100, 5
dtype = torch.float64
X = torch.rand(N, d, dtype=dtype)
W, b = torch.rand(d, d, requires_grad=True, dtype=dtype), torch.rand(d, requires_grad=True, dtype=dtype)

def foo(W, b):
    return torch.mean(X @ W + b)

loss = foo(W, b)
\`\`\``,
  answer: md`
In PyTorch (float64), with central differences and without building autograd graphs inside the loop:

\`\`\`python
delta = 1e-6
grad_W, grad_b = torch.zeros_like(W), torch.zeros_like(b)
with torch.no_grad():                       # the numeric gradient needs no graph
    for i in range(d):
        for j in range(d):
            Wp, Wm = W.clone(), W.clone()
            Wp[i, j] += delta; Wm[i, j] -= delta
            grad_W[i, j] = (foo(Wp, b) - foo(Wm, b)) / (2 * delta)
    for j in range(d):
        bp, bm = b.clone(), b.clone()
        bp[j] += delta; bm[j] -= delta
        grad_b[j] = (foo(W, bp) - foo(W, bm)) / (2 * delta)

loss.backward()                             # autograd
assert torch.allclose(grad_W, W.grad)       # rtol=1e-5, atol=1e-8
assert torch.allclose(grad_b, b.grad)
\`\`\`

**Closed form** (a check on both). The loss is linear in $W$ and $b$:
$$L = \frac{1}{Nd}\sum_{n=1}^N\sum_{j=1}^d\Bigl(\sum_i X_{ni}W_{ij}+b_j\Bigr)\quad\Longrightarrow\quad\frac{\partial L}{\partial W_{ij}} = \frac1d\cdot\frac1N\sum_{n}X_{ni},\qquad\frac{\partial L}{\partial b_j}=\frac1d = 0.2 .$$
Every column of $\partial L/\partial W$ is the vector of column means of $X$ divided by $d$ (about $0.1$ for uniform $X$). Because $L$ is linear, the finite differences have no truncation error at all, and in float64 the only error is round-off, about $\varepsilon|L|/\delta$ (the demo's float64 run of this check, at seed 0: $8.7\times10^{-10}$).

**Cost:** $2d^2+2d = 60$ forward passes for the central difference ($d^2+d+1=31$ for the forward difference) against one backward pass for autograd.

**Float32 caveat.** The companion runs the same check in TensorFlow.js, which computes in float32 (machine epsilon $1.19\times10^{-7}$, $|L|\approx1.6$ at seed 0): the seed's forward difference with $\delta=10^{-6}$ then returns only $0$ or $0.119$ for every entry (see 2.2), errors as large as the gradient itself, and \`allclose\` fails. Central differences with $\delta=10^{-2}$ (exact for a linear loss, so only round-off of about $\varepsilon|L|/\delta\approx2\times10^{-5}$ remains; the demo's largest error over 100 seeds is $1.1\times10^{-5}$) and an explicit tolerance $|g_\text{num}-g_\text{auto}|\le10^{-4}+10^{-3}|g_\text{auto}|$ pass, and the same tolerance still catches a gradient that is 1% wrong in a single entry. The demo runs both, over 100 seeds.
`,
  demos: ['numeric-gradient', 'difference-error'],
};

export const backprop = { q1, q2, q3 };
