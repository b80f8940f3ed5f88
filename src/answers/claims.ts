/**
 * Every number an answer states as a result, with the graded check (a demo cell's grade id) that computes
 * and asserts it, within a tolerance. `quote` is the text as it stands in the answer. Numbers that are
 * not results (the question's own parameters, definitions, a cited fact) are listed in GIVENS instead,
 * so a test can tell when an answer quotes a number that nothing checks.
 */
export interface Claim {
  quote: string;
  check: string;
}

const c = (check: string, ...quotes: string[]): Claim[] => quotes.map((quote) => ({ quote, check }));

export const CLAIMS: Record<string, Claim[]> = {
  'cnn.q3': [
    ...c('cnn-rf-analytic', '$112\\times 112$ receptive field', '| conv1 | 3 | 1 | 1 | 1 | 3 | 1 | $1+2\\cdot1=3$ | 1024 |', '| maxpool | 2 | 2 | 0 | 1 | 2 | 2 | $3+1\\cdot1=4$ | 512 |',
      '| conv2 | 5 | 2 | 2 | 1 | 5 | 4 | $4+4\\cdot2=12$ | 256 |', '| maxpool | 2 | 2 | 0 | 1 | 2 | 8 | $12+1\\cdot4=16$ | 128 |', '| conv3 | 7 | 1 | 3 | 2 | 13 | 8 | $16+12\\cdot8=112$ | 122 |',
      '= 1+2+1+8+4+96 = 112', '$\\lfloor(128+2\\cdot3-13)/1\\rfloor+1 = 122$', '$2\\cdot 8=16$ input pixels apart and each tap sees a 16-pixel window'),
    ...c('cnn-rf-support', '$r_4 = 1\\cdot0+13=13$, $r_3=2\\cdot12+2=26$, $r_2=2\\cdot25+5=55$, $r_1=2\\cdot54+2=110$, $r_0=1\\cdot(110-1)+3=112$',
      '$a = 0 - 1\\cdot1 - 2\\cdot2 - 3\\cdot8 = -29$', '$8i-29,\\dots,8i+82$', '$8i+26.5$', '$-29..82$', 'pool-2 rows $-3,-1,1,\\dots,9$', 'rows and columns $3..82$ only ($80\\times80$ pixels)', '$459..570$'),
    ...c('cnn-rf-empirical', 'the taps tile $7\\cdot16=112$ pixels exactly with no holes'),
  ],
  'dropout.q1': c('dropout-two-vs-one', '1 - 0.9\\cdot0.8 = 0.28', '\\frac{1}{0.72}\\approx 1.3889', 'rounds differently from $\\tfrac{1}{0.72}$'),
  'dropout.q2': c('dropout-order', '$\\sigma(0)=0.5$', 'about $0.697$ both without dropout and with dropout after the sigmoid', 'about $0.668$ with dropout before it'),
  'losses.q1': c('losses-l2-vs-ce', '$p=\\sigma(-10)\\approx 4.54\\times10^{-5}$', '$(1-p)^2\\approx 0.99991$', '$-2(1-p)^2p \\approx -9.1\\times10^{-5}$', '$-\\log p\\approx 10.00005$', '$p-1\\approx -0.99995$',
    'about $1.1\\times10^4$ times', '$0.16375$ and $0.12755$', 'sums $0.655$ and $0.510$', '$-\\ln 0.3 = 1.204 > -\\ln 0.49 = 0.713$'),
  'losses.q2': c('losses-vanishing', 'the demo measures 7.2 on average', 'about $3\\times10^{-21}$', '= 22{,}145$ parameters, not 401,921'),
  'losses.q3': c('losses-tanh', 'about $1.4\\times10^{-6}$ of the last one\'s', 'close to balanced at the start (0.37)'),
  'losses.q4': c('losses-relu-depth', '$4.3\\times10^{-10}$ of the last one\'s', 'and $1.1$ times it with He initialisation'),
  'optimization.q4': c('opt-newton-ravine', 'Newton takes 1 step', 'optimal $(\\eta,\\beta)$ 83 steps', '$\\eta=0.01,\\beta=0.9$ 179 steps', 'its optimal step 576', 'it converges in **one step**'),
  'optimization.q5': c('opt-implicit', '$z^*\\approx0.442854$', '\\approx 0.391061$ agrees with a finite difference'),
  'optimization.q6': c('opt-jacobian-product', '$0.25^{24}\\approx3.6\\times10^{-15}$', 'autodiff measures $3.2\\times10^{-16}$', '$0.9^{50}\\approx5.2\\times10^{-3}$', '$1.1^{50}\\approx117.4$',
    '$2^{24}\\approx1.7\\times10^{7}$', '$10^7$ times too large'),
  'backprop.q2': c('backprop-numeric-cost', '$1.5\\times10^{-8}$ in float64, but $3.5\\times10^{-4}$', 'best worst-case error of $1.6\\times10^{-8}$ and $4.4\\times10^{-4}$', '$2^{-23}\\approx1.19\\times10^{-7}$ for $1\\le L<2$',
    '$0$ or $2^{-23}/\\delta\\approx0.119$', 'a gradient entry of $0.095$ comes out as $0$, a 100% error', 'over 100 seeds the worst entry is off by 20% to 160%',
    'right-hand derivative ($1$), a backward difference the left-hand one ($0$), a central difference their average ($0.5$), while AD returns the framework\'s chosen subgradient ($0$ in PyTorch and TF.js)'),
  'backprop.q3': [
    ...c('backprop-numeric-cost', 'only $0$ or $0.119$ for every entry'),
    ...c('backprop-numeric-vs-autograd', '\\frac1d = 0.2', 'about $0.1$ for uniform $X$', 'at seed 0: $8.7\\times10^{-10}$', '$2d^2+2d = 60$', '$d^2+d+1=31$', 'machine epsilon $1.19\\times10^{-7}$', '$|L|\\approx1.6$ at seed 0',
    '\\varepsilon|L|/\\delta\\approx2\\times10^{-5}$', 'largest error over 100 seeds is $1.1\\times10^{-5}$', 'catches a gradient that is 1% wrong in a single entry'),
  ],
  'sequence.q1': c('seq-embedding-equivalence', 'one column of its weight matrix: that **is** an embedding lookup'),
  'sequence.q2': c('seq-embedding-shape', '$5\\cdot6\\cdot7\\cdot8 = 1680$', '(5,6,7,8,42000)', '$1680\\cdot42000 = 70{,}560{,}000$', '$282{,}240{,}000$ bytes (269.2 MiB)'),
  'sequence.q3': c('seq-tbptt', '$\\partial y/\\partial x_0=-1.47\\times10^{-6}$', '$\\partial y/\\partial x_{14}=-1.11\\times10^{-3}$', 'equal to full BPTT\'s gradients', 'exactly 0 for $t<15$ and equals full BPTT\'s for $t\\ge15$'),
  'unsupervised.q2': c('vae-elbo', '$-\\log p(x)=2.2655$', '$3.4189$ for $q$ = prior', '$2.6702$ for $q=\\mathcal N(1,0.1)$', 'exactly $2.2655$ for the true posterior $q=\\mathcal N(1,0.5)$'),
  'unsupervised.q3': c('gan-saturation', '2\\ln2\\approx1.386$', 'which is $-0.01$ at $D=0.01$', 'gives $-(1-D)=-0.99$'),
};

/**
 * Numbers in answers that are not results: parameters from the question or the demo's set-up, and cited
 * conventions. Listed per answer, as they appear.
 */
export const GIVENS: Record<string, string[]> = {
  'dropout.q1': ['10^7', '0.9\\cdot0.8', '\\tfrac{1}{0.9}\\cdot\\tfrac{1}{0.8}'], // the Monte Carlo sample size; 1 − p1, 1 − p2
  'dropout.q2': ['$p=0.2$', '$p=0.3$'], // the dropout paper's input rate (a citation); the demo's rate
  'losses.q1': ['$z=-10$', '[0.3,0.25,0.25,0.2]', '[0.49,0.5,0.01,0]'], // the example's logit; the seed's vectors
  'cnn.q3': ['size (of 1024)'], // the question's input size
  'losses.q4': ['(4.3)'], // a cross-reference
  'losses.q2': ['$42\\cdot128+128 + 128\\cdot128+128 + 128+1'], // the question's layer sizes
  'optimization.q4': ['100y^2', '10^{-10}f_0', '$\\eta=0.01,\\beta=0.9$'], // the ravine, tolerance and settings of the demo
  'optimization.q6': ['$L=50$', '$c=0.9$', '$c=1.1$'], // the demo's depth and scales
  'backprop.q3': ['(see 2.2)', '$\\delta=10^{-2}$', '10^{-4}+10^{-3}|g_\\text{auto}|', '$\\delta=10^{-6}$', 'over 100 seeds.'], // the schemes' parameters and tolerance
  'sequence.q1': ['50 to 1000', 'word 5000 is close to word 5001'], // typical sizes; an illustration
  'sequence.q2': ['42000'], // the question's embedding size
  'sequence.q3': ['16 hidden units', '$T=20$', '$S=5$'], // the demo's RNN
  'unsupervised.q2': ['$q=\\mathcal N(1,0.1)$', '$q=\\mathcal N(1,0.5)$'], // the q's compared (their values are claims above)
  'unsupervised.q3': ['50% accuracy'], // from the question
};
