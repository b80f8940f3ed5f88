import { Answer, md } from './types';

const q1: Answer = {
  id: 'dropout.q1',
  number: '1',
  question: md`
Consider the following neural network:

\`\`\`python
p1, p2 = 0.1, 0.2
nn.Sequential(
    nn.Conv2d(in_channels=3, out_channels=4, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.Dropout(p=p1),
    nn.Dropout(p=p2),
)
\`\`\`

If we want to replace the two consecutive dropout layers with a single one defined as \`nn.Dropout(p=q)\`, what would the value of \`q\` need to be? Write an expression for \`q\` in terms of \`p1\` and \`p2\`.`,
  answer: md`
$$q = 1-(1-p_1)(1-p_2) = p_1+p_2-p_1p_2 = 1 - 0.9\cdot0.8 = 0.28 .$$

**Why.** In training, \`nn.Dropout(p)\` multiplies each element by $m/(1-p)$ with $m\sim\text{Bernoulli}(1-p)$. The two layers draw their masks $m_1\sim\text{Bernoulli}(1-p_1)$ and $m_2\sim\text{Bernoulli}(1-p_2)$ **independently** (each layer samples its own mask; it is the sampling that makes them independent, not the fact that the layers are consecutive). An element survives only if it survives both:
$$P(\text{kept}) = P(m_1=1)\,P(m_2=1) = (1-p_1)(1-p_2) = 1-q .$$
The **scales match as well**: a surviving element is multiplied by
$$\frac{1}{1-p_1}\cdot\frac{1}{1-p_2} = \frac{1}{(1-p_1)(1-p_2)} = \frac{1}{1-q} = \frac{1}{0.72}\approx 1.3889,$$
which is exactly what \`nn.Dropout(q)\` uses. So each element is $0$ with probability $q$ and $x/(1-q)$ otherwise, in both cases: the two setups have **the same output distribution**, not just the same drop rate. (In eval mode both are the identity.)

In float32 the two scales may differ in the last bit ($\tfrac{1}{0.9}\cdot\tfrac{1}{0.8}$ rounds differently from $\tfrac{1}{0.72}$), so a program should compare them with a tolerance, never exactly. The Monte Carlo demo below checks the drop fraction, the mean and the scale on $10^7$ elements.
`,
  demos: ['dropout-mc'],
};

const q2: Answer = {
  id: 'dropout.q2',
  number: '2',
  question: md`**True or false**: dropout must be placed only after the activation function.`,
  answer: md`
**False.** Dropout can be applied to the inputs (the original paper drops input pixels with $p=0.2$), to pre-activations or to activations; it is a regulariser, and where it works best is an empirical choice. Placing it after the activation is the common convention, and the reason is instructive:

- **ReLU: the order does not matter.** ReLU is positively homogeneous and $\text{ReLU}(0)=0$, so with the same mask $m\in\{0,1\}$ and scale $c=1/(1-p)>0$:
$$\text{ReLU}(c\,m\,x) = c\,m\,\text{ReLU}(x).$$
Dropout before or after ReLU gives identical outputs.
- **Sigmoid / tanh: the order matters.** A dropped pre-activation becomes $\sigma(0)=0.5$ (not 0), and the $1/(1-p)$ scale is pushed *through* the nonlinearity, so $E[\sigma(c\,m\,x)]\ne E[\sigma(x)]$ in general: the expectation-preserving property of dropout (question 3) only holds when dropout comes after the nonlinearity. With $x\sim\mathcal N(1,1)$ and $p=0.3$, for instance, the mean of $\sigma$ is about $0.697$ both without dropout and with dropout after the sigmoid, but about $0.668$ with dropout before it (the demo measures this with \`tf.dropout\`, and checks that for ReLU the two orders give the same outputs element by element).

So dropout *may* go before the activation, but then train/test statistics differ unless the activation is ReLU-like. (Similar care is needed with batch norm: dropout before BN shifts the variance BN sees between training and inference.)
`,
  demos: ['dropout-order'],
};

const q3: Answer = {
  id: 'dropout.q3',
  number: '3',
  question: md`After applying dropout with a drop-probability of $p$, the activations are scaled by $1/(1-p)$. Prove that this scaling is required in order to maintain the value of each activation unchanged in expectation.`,
  answer: md`
Dropout acts on **activations**, element by element. Take one activation $y_i$ (any random variable with finite mean; the claim is per element, not about the sum of a vector). In training, dropout draws a mask $m_i\sim\text{Bernoulli}(1-p)$, **independent of $y_i$** (the mask is sampled without looking at the data), and outputs
$$y_i' = c\,m_i\,y_i$$
for some scale $c$. At test time dropout is off and the layer outputs $y_i$. By independence, the expectation factorises:
$$E[y_i'] = c\,E[m_i]\,E[y_i] = c\,(1-p)\,E[y_i].$$

- **Without scaling** ($c=1$): $E[y_i'] = (1-p)E[y_i]$. Every activation is shrunk by the factor $1-p$ during training, so the next layer sees inputs that are systematically larger at test time than during training (by $1/(1-p)$), and its learned weights no longer fit.
- **Requirement:** $E[y_i'] = E[y_i]$ for every distribution of $y_i$ (in particular with $E[y_i]\neq 0$) holds if and only if $c(1-p)=1$, i.e.
$$c = \frac{1}{1-p}. \qquad\blacksquare$$

This is "inverted dropout". Equivalently one could leave training unscaled and multiply by $1-p$ at test time; scaling during training keeps the inference code unchanged. Only the mean is preserved: the variance grows, $\operatorname{Var}(y_i') = \frac{E[y_i^2]}{1-p} - E[y_i]^2 \ge \operatorname{Var}(y_i)$.

The demo below checks both cases empirically: with the scale the mean is unchanged; without it, the mean of an all-ones input is $1-p$.
`,
  demos: ['dropout-mc'],
};

export const dropout = { q1, q2, q3 };
