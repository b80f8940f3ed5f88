import { Answer, md } from './types';

const q1: Answer = {
  id: 'sequence.q1',
  number: '1',
  question: md`
Regarding word embeddings:
1. Explain this term and why it's used in the context of a language model.
2. Can a language model like the sentiment analysis example from the tutorials be trained without an embedding (i.e. trained directly on sequences of tokens)? If yes, what would be the consequence for the trained model? if no, why not?`,
  answer: md`
**1.1** A **word embedding** maps each token of a vocabulary of size $V$ to a dense, learned vector in $\mathbb R^{D}$ with $D\ll V$ (typically 50 to 1000). It is a trainable lookup table $\mat E\in\mathbb R^{V\times D}$: token $t$ becomes row $\mat E[t]$. It is used because tokens are categorical symbols: their integer ids carry no meaning, and one-hot vectors are huge, sparse and all equally far apart. The embedding gives the network a continuous representation in which similar words (that appear in similar contexts) get nearby vectors, so what is learned about one word generalises to its neighbours, and the model's input size is $D$ instead of $V$. Embeddings are learned jointly with the model, or initialised from pre-trained ones (word2vec, GloVe) trained on much more text.

**1.2 Yes.** Two meanings of "without an embedding":
- **One-hot inputs.** Feed each token as a one-hot vector $\vec e_t\in\{0,1\}^V$ into the first layer. But a linear (or RNN input) layer computes $\mat W\vec e_t = \mat W[:,t]$, one column of its weight matrix: that **is** an embedding lookup, with the embedding matrix hidden inside the first layer. The model still learns embeddings; the consequences are only practical: a $V$-wide sparse input and a dense matrix product where a gather would do (more memory and compute, for large $V$ much more), and no easy way to plug in pre-trained vectors.
- **Raw integer ids as scalar features.** Then the model treats token ids as numbers, imposing a meaningless order and metric ("word 5000 is close to word 5001 and larger than word 3"). The model cannot express per-word meaning with a few weights and learns very poorly. This is possible but useless.

So a model *can* be trained directly on token sequences, but either it learns an embedding implicitly (one-hot) or it generalises badly (scalar ids).
`,
  demos: ['embedding'],
};

const q2: Answer = {
  id: 'sequence.q2',
  number: '2',
  question: md`
Considering the following snippet, explain:
1. What does \`Y\` contain? why this output shape?
2. How you would implement \`nn.Embedding\` yourself using only torch tensors.

\`\`\`python
X = torch.randint(low=0, high=42, size=(5, 6, 7, 8))
embedding = nn.Embedding(num_embeddings=42, embedding_dim=42000)
Y = embedding(X)
print(f"{Y.shape=}")
# Y.shape=torch.Size([5, 6, 7, 8, 42000])
\`\`\``,
  answer: md`
**2.1** \`nn.Embedding(42, 42000)\` holds a trainable table $\mat W\in\mathbb R^{42\times42000}$ (initialised $\mathcal N(0,1)$), one 42000-dimensional vector per token id $0..41$. \`embedding(X)\` replaces **every** integer of \`X\` by its row: $Y[a,b,c,e,:] = \mat W\bigl[X[a,b,c,e],:\bigr]$. \`X\` holds $5\cdot6\cdot7\cdot8 = 1680$ indices (all valid, since \`randint\` draws from $[0,42)$), so the output keeps \`X\`'s shape and appends the embedding dimension:
$$\texttt{Y.shape} = \texttt{X.shape} + (42000,) = (5,6,7,8,42000).$$
The embedding does not care what the leading dimensions mean (batch, sequence, ...). $Y$ has $1680\cdot42000 = 70{,}560{,}000$ float32 values, $282{,}240{,}000$ bytes (269.2 MiB), although it contains at most 42 distinct vectors: gradients flow back into the rows of $\mat W$ that were used.

**2.2** Store the table as a leaf tensor and index it with \`X\` (advanced indexing is a gather):

\`\`\`python
class MyEmbedding:
    def __init__(self, num_embeddings, embedding_dim):
        self.weight = torch.randn(num_embeddings, embedding_dim, requires_grad=True)

    def __call__(self, X):                # X: integer tensor of any shape
        return self.weight[X]             # shape X.shape + (embedding_dim,)
\`\`\`

Equivalent forms: \`W.index_select(0, X.reshape(-1)).reshape(*X.shape, -1)\`, or \`torch.nn.functional.one_hot(X, 42).float() @ W\` (the same values via a matrix product, much more costly). All give identical results, and autograd accumulates gradients into the selected rows. (For TensorFlow.js the demo does the same with \`tf.gather\`, checks it against \`tf.layers.embedding\` and the one-hot product, and runs the full $(5,6,7,8,42000)$ case.)
`,
  demos: ['embedding'],
};

const q3: Answer = {
  id: 'sequence.q3',
  number: '3',
  question: md`
Regarding truncated backpropagation through time (TBPTT) with a sequence length of S: State whether the following sentences are **true or false**, and explain.
1. TBPTT uses a modified version of the backpropagation algorithm.
2. To implement TBPTT we only need to limit the length of the sequence provided to the model to length S.
3. TBPTT allows the model to learn relations between input that are at most S timesteps apart.`,
  answer: md`
In TBPTT a long sequence is split into consecutive chunks of $S$ steps. The RNN processes chunk $k$ starting from the hidden state left by chunk $k-1$, the loss of the chunk is backpropagated through those $S$ steps only, the parameters are updated, and the hidden state is **detached** from the graph before the next chunk.

**3.1 False.** The backpropagation algorithm is unchanged: it is ordinary backpropagation (the chain rule, autograd) applied to a **truncated computation graph**. What changes is the graph: detaching $h$ every $S$ steps treats the incoming state as a constant, so gradients stop at the chunk boundary.

**3.2 False.** Cutting the data into independent sequences of length $S$ is just training on short sequences. TBPTT also **carries the hidden state**: the final hidden state of chunk $k$ (detached) is the initial state of chunk $k+1$. For that to make sense with batches, sample $i$ of consecutive batches must continue the same sequence (as the sequence batch sampler of the homework does), and the state is reset only where a sequence really starts.

**3.3 False.** The forward pass carries information across chunk boundaries through the hidden state, so an output can depend on inputs far more than $S$ steps back, and the model can *use* such dependencies. What TBPTT truncates is the **gradient**: the error at time $t$ is not credited to inputs more than about $S$ steps earlier, so relations longer than $S$ are not learned directly; they can only be picked up indirectly (when a representation learned for shorter-range purposes happens to keep the information). For example (demo below), in a tanh RNN with 16 hidden units over $T=20$ steps $x_0,\dots,x_{19}$ with $S=5$, the output $y$ after the last step depends on every input: $\partial y/\partial x_0=-1.47\times10^{-6}$ and $\partial y/\partial x_{14}=-1.11\times10^{-3}$ (finite differences of the forward pass, equal to full BPTT's gradients), while the TBPTT gradient with respect to $x_t$ is exactly 0 for $t<15$ and equals full BPTT's for $t\ge15$.
`,
  demos: ['tbptt'],
};

export const sequence = { q1, q2, q3 };
