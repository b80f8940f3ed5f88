import { Answer, md } from './types';

const q1: Answer = {
  id: 'losses.q1',
  number: '1',
  question: md`You're training an image classifier that, given an image, needs to classify it as either a dog (output 0) or a hotdog (output 1). Would you train this model with an L2 loss? if so, why? if not, demonstrate with a numerical example. What would you use instead?`,
  answer: md`
**No.** Use **binary cross-entropy (BCE) on a sigmoid output**, computed from the logit (\`BCEWithLogitsLoss\`): with logit $z$, $p=\sigma(z)$ and label $y\in\{0,1\}$,
$$\ell_\text{BCE} = -y\log p-(1-y)\log(1-p),\qquad \frac{\partial \ell_\text{BCE}}{\partial z} = p-y .$$

**Why not L2.** With $\ell_2 = (p-y)^2$ the gradient with respect to the logit is
$$\frac{\partial \ell_2}{\partial z} = 2(p-y)\,\sigma'(z) = 2(p-y)\,p(1-p),$$
and the factor $p(1-p)$ goes to $0$ exactly when the model is **confidently wrong**: the loss is capped at 1 and gives almost no signal for the worst mistakes.

**Numerical example.** A hotdog ($y=1$) that the model scores with logit $z=-10$, so $p=\sigma(-10)\approx 4.54\times10^{-5}$:

| loss | value | $\partial\ell/\partial z$ |
|---|---|---|
| L2 | $(1-p)^2\approx 0.99991$ | $-2(1-p)^2p \approx -9.1\times10^{-5}$ |
| BCE | $-\log p\approx 10.00005$ | $p-1\approx -0.99995$ |

BCE pushes about $1.1\times10^4$ times harder on this example. Gradient descent with L2 would barely move the logit of a confidently misclassified image, so training is slow and can stall with many such images.

**More reasons for BCE.**
- BCE is the negative log-likelihood of a Bernoulli model $y\sim\text{Bernoulli}(\sigma(z))$: minimising it is maximum-likelihood estimation. L2 is the Gaussian likelihood, a model for continuous targets.
- For logistic regression BCE is convex in the weights; $(\sigma(w^\top x)-y)^2$ is not, and has flat regions.

**On a common but wrong argument.** It is sometimes argued with a 4-class example, ground truth $[1,0,0,0]$, $V_1=[0.3,0.25,0.25,0.2]$ and $V_2=[0.49,0.5,0.01,0]$. This proves nothing here: the task is binary; the mean squared errors are $0.16375$ and $0.12755$ (sums $0.655$ and $0.510$); and cross-entropy ranks the two vectors **the same way** ($-\ln 0.3 = 1.204 > -\ln 0.49 = 0.713$), so the example does not favour CE. Likewise, CE is not "less sensitive to outliers": L2 on probabilities is bounded by 1, while CE is unbounded, so a mislabelled example weighs *more* under CE. The decisive difference is the gradient above.
`,
  demos: ['l2-vs-ce'],
};

const q2: Answer = {
  id: 'losses.q2',
  number: '2',
  question: md`
After months of research into the origins of climate change, you observe a strong negative correlation between the number of pirates and the global temperature. You decide to train a cutting-edge deep neural network regression model, that will predict the global temperature based on the population of pirates in \`N\` locations around the globe. You define your model as follows:

\`\`\`python
N = 42  # number of known global pirate hot spots
H = 128
mlpirate = nn.Sequential(
    nn.Linear(in_features=N, out_features=H),
    nn.Sigmoid(),
    *[
        nn.Linear(in_features=H, out_features=H), nn.Sigmoid(),
    ]*24,
    nn.Linear(in_features=H, out_features=1),
)
\`\`\`

While training your model you notice that the loss reaches a plateau after only a few iterations. It seems that your model is no longer training. What is the most likely cause?`,
  answer: md`
**Vanishing gradients**, caused by the **depth**: 25 sigmoid layers in a row.

Write the hidden layers as $z_l = W_l a_{l-1} + b_l$, $a_l=\sigma(z_l)$. Backpropagation multiplies one Jacobian per layer:
$$\frac{\partial L}{\partial a_1} = \Bigl(\prod_{l=2}^{25} W_l^\top\,\mathrm{diag}\bigl(\sigma'(z_l)\bigr)\Bigr)\frac{\partial L}{\partial a_{25}},\qquad \sigma'(z)=\sigma(z)(1-\sigma(z))\le\tfrac14 .$$
Every factor contains $\sigma'\le 1/4$ (and far less where units saturate), and with the default initialisation ($W\sim U(-1/\sqrt{H},1/\sqrt{H})$) the weights do not compensate: each layer shrinks the gradient by roughly a factor 7 (the demo measures 7.2 on average), so after 24 layers the gradient reaching the first layers is about $3\times10^{-21}$ of the one at the top. The early layers, and with them everything that depends on the input, stop learning; only the last layer(s) adapt, which quickly gives the best constant-ish prediction, and the loss plateaus. Sigmoid outputs are also all positive (not zero-centred), which makes the updates of each layer's weights share a sign and slows learning further.

It is the depth and the saturating activation, not the model size: the network is small. (In fact, \`[Linear, Sigmoid]*24\` repeats the *same* two module objects 24 times, so the 24 hidden layers share **one** \`Linear(128,128)\`: the model has $42\cdot128+128 + 128\cdot128+128 + 128+1 = 22{,}145$ parameters, not 401,921. Sharing does not change the diagnosis.) The demo measures the per-layer gradient norms at initialisation.
`,
  demos: ['gradient-depth'],
};

const q3: Answer = {
  id: 'losses.q3',
  number: '3',
  question: md`Referring to question 2 above: A friend suggests that if you replace the \`sigmoid\` activations with \`tanh\`, it will solve your problem. Is he correct? Explain why or why not.`,
  answer: md`
**Not really: tanh helps but does not solve the problem.**

- **Why it helps.** $\tanh'(0)=1$ versus $\sigma'(0)=\tfrac14$ (indeed $\tanh(z)=2\sigma(2z)-1$), and tanh is zero-centred, so near zero each layer's Jacobian $W_l^\top\mathrm{diag}(\tanh'(z_l))$ shrinks the gradient far less.
- **Why it does not solve it.** tanh is still a saturating sigmoid-shaped function: $\tanh'(z)=1-\tanh^2(z)\in(0,1]$, and $\tanh'(z)\to0$ for large $|z|$. The backpropagated gradient is still a product of 24 Jacobians whose norms are at most $\|W_l\|$, so whether it vanishes depends on the initialisation and on how far the pre-activations drift into saturation during training. With PyTorch's default initialisation the first layer's gradient is still about $1.4\times10^{-6}$ of the last one's; with Glorot initialisation it is close to balanced at the start (0.37), but saturation can bring the problem back as the weights grow.

The reliable fixes address the product itself: ReLU-family activations with He initialisation, normalisation layers (batch/layer norm) that keep pre-activations out of saturation, residual connections (which add an identity to every Jacobian), or simply a shallower network, which for 42 inputs and one output is the sensible choice anyway. The demo compares sigmoid, tanh and ReLU on the same 24-layer network.
`,
  demos: ['gradient-depth'],
};

const q4: Answer = {
  id: 'losses.q4',
  number: '4',
  question: md`
Regarding the ReLU activation, state whether the following sentences are **true or false** and explain:
1. In a model using exclusively ReLU activations, there can be no vanishing gradients.
2. The gradient of ReLU is linear with its input when the input is positive.
3. ReLU can cause "dead" neurons, i.e. activations that remain at a constant value of zero.`,
  answer: md`
**4.1 False.** ReLU's own derivative is 1 for active units, but backpropagation also multiplies by the weights:
$$\frac{\partial L}{\partial a_1} = \Bigl(\prod_{l} W_l^\top D_l\Bigr)\frac{\partial L}{\partial a_L},\qquad D_l = \mathrm{diag}\bigl(\mathbb 1[z_l>0]\bigr).$$
If the weights are small (e.g. PyTorch's default $U(-1/\sqrt{n},1/\sqrt{n})$ in a deep MLP), each factor shrinks the gradient and it still vanishes exponentially with depth; it is He initialisation ($\operatorname{Var}W=2/n$) that keeps the norm roughly constant. (In the demo's 24-layer ReLU network the first layer's gradient is $4.3\times10^{-10}$ of the last one's with PyTorch's default initialisation, and $1.1$ times it with He initialisation.) In addition, $D_l$ zeroes the gradient of every inactive unit, and dead units (4.3) pass no gradient at all. (With large weights the same product can explode.)

**4.2 False.** For $x>0$, $\text{ReLU}(x)=x$: the **output** is linear in the input, but the **gradient** is the constant $1$, independent of $x$ (a constant is not "linear in $x$"). The non-differentiability at $x=0$ is irrelevant, since the statement is about $x>0$.

**4.3 True.** A unit is *dead* when its pre-activation is negative for **every** input, $w^\top x + b < 0$ for all $x$ in the data, e.g. after a large update (high learning rate) drives $b$ very negative. Then its output is 0 for every sample and so is its gradient, $\partial L/\partial w = \partial L/\partial a\cdot\mathbb 1[z>0]\,x = 0$, so gradient descent can never revive it. Negative weights alone do not kill a unit (inputs of either sign may still activate it); what matters is that it is inactive on the whole data set. Remedies: Leaky ReLU / ELU / GELU (non-zero gradient for $z<0$), a smaller learning rate, careful bias and weight initialisation, and normalisation.
`,
  demos: ['gradient-depth'],
};

export const losses = { q1, q2, q3, q4 };
