import { Answer, md } from './types';

const q1: Answer = {
  id: 'attention.q1',
  number: '1',
  question: md`
In tutorial 7 (part 2) we learned how to use attention to perform alignment between a source and target sequence in machine translation.
1. Explain qualitatively what the addition of the attention mechanism between the encoder and decoder does to the hidden states that the encoder and decoder each learn to generate (for their language). How are these hidden states different from the model without attention?
2. After learning that self-attention is gaining popularity thanks to the shiny new transformer models, you decide to change the model from the tutorial: instead of the queries being equal to the decoder hidden states, you use self-attention, so that the keys, queries and values are all equal to the encoder's hidden states (with learned projections). What influence do you expect this will have on the learned hidden states?`,
  answer: md`
**1.1** *Without attention* the decoder only receives the encoder's **last** hidden state. The encoder must therefore learn to compress the whole source sentence into one fixed-size vector (a running summary, whose early content fades on long sentences), and the decoder's hidden state must carry all the source content it still needs to translate, along with its own progress through the target sentence.

*With attention*, at each decoding step $t$ the decoder state $s_t$ scores every encoder state $h_j$, $\alpha_{tj}=\operatorname{softmax}_j\,\text{score}(s_t,h_j)$, and receives the context $c_t=\sum_j\alpha_{tj}h_j$. This changes what both sides learn:
- **Encoder states** no longer need to summarise the whole sentence. Each $h_j$ learns to represent **its own source token in context** (its meaning plus relevant neighbourhood, especially with a bidirectional encoder), so that it is a good key for alignment and a good value to copy information from. They become position-specific annotations rather than a sentence summary.
- **Decoder states** no longer need to store the source. $s_t$ learns to act as a **query**: to encode what has been generated so far and what is needed next, so that the attention picks the right source positions (the alignment); the source content itself arrives through $c_t$. The decoder state is relieved of memorising and becomes a "where to look / what to say next" state.

**1.2** With $Q=K=V$ all projections of the encoder states, the attention no longer depends on the decoder at all:
- The encoder states become **contextualised by the whole source sentence**: each position mixes in information from all other source positions, as in a transformer encoder layer, so the encoder hidden states capture long-range relations within the source better.
- But the attention now performs **no source–target alignment**: the context it produces is the same whatever the decoder is generating at step $t$. The decoder therefore gets the same information at every step, and its hidden state must again keep track by itself of which part of the source it is translating and what remains, just like in the model without attention (the only difference is that it receives a richer, whole-sentence summary). The decoder states revert to carrying alignment and source content, and translation quality on long sentences degrades towards that of the no-attention model. Self-attention is a good addition **in the encoder**, but the decoder needs its own cross-attention with queries from the decoder states (as the transformer has).
`,
};

export const attention = { q1 };
