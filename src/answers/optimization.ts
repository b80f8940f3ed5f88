import { Answer, md } from './types';

const q1: Answer = {
  id: 'optimization.q1',
  number: '1',
  question: md`Explain the difference between: stochastic gradient descent (SGD), mini-batch SGD and regular gradient descent (GD).`,
  answer: md`
All three minimise the empirical risk $L(\theta)=\frac1N\sum_{i=1}^N \ell_i(\theta)$ with steps $\theta_{t+1}=\theta_t-\eta\,g_t$. They differ in which samples the gradient estimate $g_t$ uses:

- **GD (batch / full gradient descent):** $g_t=\nabla L(\theta_t)=\frac1N\sum_{i=1}^N\nabla\ell_i(\theta_t)$. The exact gradient; one step per pass over the data (epoch), each step costs $N$ per-sample gradients. Deterministic.
- **SGD:** $g_t=\nabla\ell_{i_t}(\theta_t)$ for one random sample $i_t$. An *unbiased* estimate, $E[g_t]=\nabla L(\theta_t)$, with high variance; $N$ cheap steps per epoch.
- **Mini-batch SGD:** $g_t=\frac1B\sum_{i\in\mathcal B_t}\nabla\ell_i(\theta_t)$ for a random batch $\mathcal B_t$ of $B$ samples. Still unbiased, with variance reduced by a factor $B$ (for sampling with replacement), $N/B$ steps per epoch, and the batch is vectorised efficiently on a GPU. It interpolates between the two: $B=1$ is SGD and $B=N$ is GD. This is what "SGD" means in deep-learning practice.

The trade-off is cost and memory per step against the noise of the step. The noise needs a decaying learning rate for exact convergence, but also helps escape saddle points and sharp minima.
`,
};

const q2: Answer = {
  id: 'optimization.q2',
  number: '2',
  question: md`
Regarding SGD and GD:
1. Provide at least two reasons for why SGD is used more often in practice compared to GD.
2. In what cases can GD not be used at all?`,
  answer: md`
**2.1**
1. **Cost per step and memory.** A (mini-batch) SGD step costs $O(B)$ instead of $O(N)$ gradient evaluations, and needs only one batch in memory. With redundant data (millions of similar images) a batch gradient is almost as informative as the full one, so SGD makes far more progress per unit of compute: many useful steps per epoch instead of one.
2. **Better optimisation and generalisation on non-convex losses.** The gradient noise lets SGD leave saddle points and sharp, narrow minima, and it tends to find flatter minima that generalise better. GD is deterministic and can stall at a saddle.
3. (Also) it works online: training can start before all data is seen, and the model can be updated as new data arrives.

**2.2** GD needs the gradient of the loss over the **whole** data set at every step. It cannot be used at all when that data set does not exist as a fixed, available whole:
- **online / streaming learning**, where samples arrive one at a time and are not stored (or the distribution drifts);
- data **generated on the fly** by the training process itself, as in reinforcement learning (the policy generates the trajectories) or with infinite random augmentation;
- (effectively) data that is distributed and cannot be gathered, e.g. privacy-restricted federated settings.

A data set that is merely too large for memory does **not** rule GD out: the full gradient can be accumulated chunk by chunk (it is a sum). That only makes GD slow and impractical, not impossible.
`,
};

const q3: Answer = {
  id: 'optimization.q3',
  number: '3',
  question: md`
You have trained a deep resnet to obtain SoTA results on ImageNet. While training using mini-batch SGD with a batch size of $B$, you noticed that your model converged to a loss value of $l_0$ within $n$ iterations (batches across all epochs) on average. Thanks to your amazing results, you secure funding for a new high-powered server with GPUs containing twice the amount of RAM. You're now considering to increase the mini-batch size from $B$ to $2B$. Would you expect the number of iterations required to converge to $l_0$ to decrease or increase when using the new batch size? explain in detail.`,
  answer: md`
**Decrease** (with the learning rate retuned), but usually **by less than half**.

The mini-batch gradient $g=\frac1B\sum_{i\in\mathcal B}\nabla\ell_i$ is an unbiased estimate of the full gradient with covariance
$$\operatorname{Cov}[g] = \frac{1}{B}\,\Sigma,\qquad \Sigma = \operatorname{Cov}_i[\nabla\ell_i],$$
so doubling the batch **halves the variance** of every step. Each step is more accurate, so fewer steps are needed to reach $l_0$, and the less noisy gradient also tolerates a larger learning rate (the "linear scaling rule": $\eta\to2\eta$, with warm-up, works well up to fairly large batches).

Why not exactly half:
- While the gradient noise is large compared with the gradient itself, doubling $B$ almost halves the number of iterations (the same number of epochs). Once the batch exceeds the *critical batch size*, the step is dominated by the curvature and the learning-rate limit rather than by noise, and extra samples per step buy little: iterations stop decreasing, so the number of **epochs** (total samples processed) increases.
- With the same learning rate, a batch twice as large takes the same-size steps with less noise, so the gain in iterations is small unless $\eta$ is increased.
- The reduced noise can also change *where* the optimiser ends up (larger batches tend towards sharper minima), which affects the final generalisation, though not the question of reaching the training loss $l_0$.

So: fewer iterations (each twice as expensive), somewhere between $n/2$ and $n$, provided the learning rate is adjusted; and wall-clock time also depends on whether the GPU was already saturated at batch $B$.
`,
};

const q4: Answer = {
  id: 'optimization.q4',
  number: '4',
  question: md`
For each of the following statements, state whether they're **true or false** and explain why.
1. When training a neural network with SGD, every epoch we perform an optimization step for each sample in our dataset.
2. Gradients obtained with SGD have less variance and lead to quicker convergence compared to GD.
3. SGD is less likely to get stuck in local minima, compared to GD.
4. Training with SGD requires more memory than with GD.
5. Assuming appropriate learning rates, SGD is guaranteed to converge to a local minimum, while GD is guaranteed to converge to the global minimum.
6. Given a loss surface with a narrow ravine (high curvature in one direction): SGD with momentum will converge more quickly than Newton's method which doesn't have momentum.`,
  answer: md`
**4.1 True.** An epoch is one pass over the data, and (pure) SGD takes one step per sample, so $N$ steps per epoch. (For mini-batch SGD it is one step per batch, $\lceil N/B\rceil$ per epoch.)

**4.2 False.** The opposite: the SGD gradient is a one-sample estimate of the GD gradient, unbiased but with **more** variance (GD's gradient has none, given $\theta$). Per iteration, GD converges faster; SGD's advantage is that its iterations are much cheaper, so it often gets there faster in wall-clock time.

**4.3 True.** The gradient noise perturbs the iterates, so SGD can escape shallow local minima and saddle points where GD (deterministic) stays stuck. "Less likely", not never.

**4.4 False.** SGD needs the activations and gradients of one sample (or batch) at a time; GD must process the whole data set per step (at least accumulate over it), so GD needs as much or more memory.

**4.5 False.** Neither guarantee holds on a non-convex loss. GD with a suitable step size only converges to a **stationary point** (possibly a saddle or a local minimum), depending on the initialisation; it finds the global minimum only for convex problems. SGD needs a decaying learning rate ($\sum\eta_t=\infty$, $\sum\eta_t^2<\infty$) to converge at all, and also only to a stationary point.

**4.6 False.** Newton's method is the method made for ravines. Its step $\Delta\theta = -H^{-1}\nabla f$ rescales every direction by its curvature, which removes the ill-conditioning. On a quadratic ravine $f(\theta)=\frac12\theta^\top A\theta$ it converges in **one step**, $\theta_1 = \theta_0 - A^{-1}A\theta_0 = 0$, whatever the condition number. Momentum only damps the zig-zag across the ravine and accumulates speed along it; its rate still depends on the condition number $\kappa$ (at best $\frac{\sqrt\kappa-1}{\sqrt\kappa+1}$ per step), and stochastic gradients slow it further. For $f=\frac12(x^2+100y^2)$ from $(1,1)$ to $f\le10^{-10}f_0$: Newton takes 1 step, heavy-ball momentum with the optimal $(\eta,\beta)$ 83 steps, with $\eta=0.01,\beta=0.9$ 179 steps, and plain GD with its optimal step 576 (demo below; its Newton step solves $H\Delta\theta=\nabla f$ with the Hessian computed by automatic differentiation, the gradient of the gradient). Newton's real drawbacks are elsewhere: forming and inverting the $P\times P$ Hessian is infeasible for large networks, it needs exact (not noisy) curvature, and on non-convex losses an indefinite $H$ sends it towards saddles or maxima.
`,
  demos: ['newton-vs-momentum'],
};

const q5: Answer = {
  id: 'optimization.q5',
  number: '5',
  question: md`
In tutorial 5 we saw an example of bi-level optimization in the context of deep learning, by embedding an optimization problem as a layer in the network. **True or false**: In order to train such a network, the inner optimization problem must be solved with a descent based method (such as SGD, LBFGS, etc). Provide a mathematical justification for your answer.`,
  answer: md`
**False.** To train the network we need the derivative of the inner solution with respect to the layer's inputs/parameters, and that derivative depends only on the **solution**, not on how it was found.

Let the layer output $z^*(\theta)=\arg\min_z g(z,\theta)$ with $g$ twice differentiable and $\nabla^2_{zz}g$ invertible at the solution. Optimality gives, for every $\theta$,
$$\nabla_z g\bigl(z^*(\theta),\theta\bigr) = 0 .$$
Differentiating this identity with respect to $\theta$ (the implicit function theorem):
$$\nabla^2_{zz}g\;\frac{dz^*}{d\theta} + \nabla^2_{z\theta}g = 0 \quad\Longrightarrow\quad \frac{dz^*}{d\theta} = -\bigl[\nabla^2_{zz} g\bigr]^{-1}\nabla^2_{z\theta}\, g\,\Big|_{z=z^*(\theta)} .$$
The outer loss then gets its gradient by the chain rule, $\frac{dL}{d\theta} = \frac{\partial L}{\partial z^*}\frac{dz^*}{d\theta}$ (plus any direct dependence). Everything is evaluated **at the solution only**, so $z^*$ can come from any solver: a closed form, an interior-point or active-set method, bisection, a combinatorial algorithm. Nothing is differentiated through the solver's iterations, and the solver need not be differentiable at all. For constrained problems the same argument is applied to the KKT conditions, which is how OptNet and cvxpylayers differentiate through quadratic and convex programs. (Unrolling a descent method and backpropagating through its iterations is one option, not a requirement; it costs memory proportional to the number of iterations.)

Example (demo): the inner problem "solve $z+e^z=\theta$" is the optimality condition of $g(z,\theta)=\frac{z^2}{2}+e^z-\theta z$. Solving it by **bisection** at $\theta=2$ gives $z^*\approx0.442854$, and the implicit derivative $dz^*/d\theta = 1/(1+e^{z^*}) \approx 0.391061$ agrees with a finite difference of the bisection solver.
`,
  demos: ['implicit-diff'],
};

const q6: Answer = {
  id: 'optimization.q6',
  number: '6',
  question: md`
You have trained a neural network, where each layer $l$ is represented by the mapping $\vec{y}_l=f_l(\vec{x};\vec{\theta}_l)$ for some arbitrary parametrized functions $f_l(\cdot;\vec{\theta}_l)$. Unfortunately while trying to break the record for the world's deepest network, you discover that you are unable to train your network with more than $L$ layers.
1. Explain the concepts of "vanishing gradients", and "exploding gradients".
2. How can each of these problems be caused by increased depth?
3. Provide a numerical example demonstrating each.
4. Assuming your problem is either of these, how can you tell which of them it is without looking at the gradient tensor(s)?`,
  answer: md`
**6.1** Backpropagation computes the gradient with respect to an early layer's parameters as a product of many factors. **Vanishing gradients:** that product becomes tiny (exponentially small in the depth), so the early layers receive (numerically) no learning signal and barely change. **Exploding gradients:** the product becomes huge, so updates are enormous, the parameters jump to useless regions and training becomes unstable or overflows to inf/NaN.

**6.2** With $\vec x_{l+1}=f_l(\vec x_l;\vec\theta_l)$ and Jacobians $J_l=\partial f_l/\partial\vec x_l$, the chain rule gives
$$\frac{\partial L}{\partial\vec x_1} = J_1^\top J_2^\top\cdots J_L^\top\,\frac{\partial L}{\partial \vec y_L},\qquad \frac{\partial L}{\partial\vec\theta_l} = \Bigl(\frac{\partial f_l}{\partial\vec\theta_l}\Bigr)^{\!\top} J_{l+1}^\top\cdots J_L^\top\frac{\partial L}{\partial\vec y_L}.$$
The number of factors grows with the depth. If the Jacobians typically shrink vectors by a factor $c<1$ (their norm/singular values are below 1), the gradient at layer 1 scales like $c^{L}$ and **vanishes exponentially**; if they typically stretch by $c>1$, it scales like $c^{L}$ and **explodes**. A shallow network multiplies few factors and stays in range; beyond some depth $L$ the product leaves the useful range. Only $c\approx1$ (careful initialisation, normalisation, residual connections with $J_l=I+\dots$) keeps it stable.

**6.3** Numerical examples:
- **Vanishing (sigmoid):** a scalar chain $x_{l+1}=\sigma(w_l x_l)$ has derivative $\prod_l w_l\,\sigma'(z_l)$. With $|w_l|\le1$ and $\sigma'\le\frac14$, over 24 layers this is at most $0.25^{24}\approx3.6\times10^{-15}$; with $w_l=1$ from $x_0=0$ autodiff measures $3.2\times10^{-16}$, below the bound because $\sigma'(z_l)<\frac14$ once $z_l\neq0$. (With $|w_l|>4$ the same chain could grow instead: it is the product $w\sigma'$ that matters, not $\sigma'$ alone.)
- **Orthogonal chain:** layers $x_{l+1}=c\,Q_l x_l$ with random orthogonal $Q_l$ have $\|J_1^\top\cdots J_L^\top v\| = c^L\|v\|$ exactly. Over $L=50$ layers, $c=0.9$ gives $0.9^{50}\approx5.2\times10^{-3}$ (vanishing) and $c=1.1$ gives $1.1^{50}\approx117.4$ (exploding).
- **Exploding (linear):** $x_{l+1}=2x_l$ for 24 layers: the gradient is $2^{24}\approx1.7\times10^{7}$, so a step size that is fine for the last layer is $10^7$ times too large for the first.

The demos measure these products.

**6.4** Watch the loss and the parameters:
- **Vanishing:** the loss decreases very slowly or plateaus early at a poor value (training "does nothing"), no NaNs appear; the weights of the early layers stay almost exactly at their initial values while the last layers change. Changing the learning rate a little does not help much.
- **Exploding:** the loss is erratic, spikes up, oscillates wildly or diverges, often to inf/NaN; weights become very large or NaN. Lowering the learning rate or clipping the gradient norm visibly helps.
`,
  demos: ['jacobian-product', 'gradient-depth'],
};

export const optimization = { q1, q2, q3, q4, q5, q6 };
