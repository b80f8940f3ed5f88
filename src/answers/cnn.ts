import { Answer, md } from './types';

const q1: Answer = {
  id: 'cnn.q1',
  number: '1',
  question: md`Explain the meaning of the term "receptive field" in the context of CNNs.`,
  answer: md`
The **receptive field (RF)** of a unit (one "pixel" of one feature map) is the region of the **network's input** whose values can change that unit's value. Everything outside it has no influence on the unit at all: $\partial y/\partial x_p = 0$ for every input position $p$ outside the RF. A single layer's kernel only defines the layer-to-layer window; stacking layers composes these windows, and that composition is what the RF measures.

**Computing it.** Treat each spatial axis separately. Layer $l$ has kernel $k_l$, stride $s_l$, padding $p_l$ and dilation $d_l$ (a pooling layer is a kernel with $d_l=1$; element-wise activations are identities here). A dilated kernel spans
$$\hat k_l = d_l(k_l-1)+1$$
input positions, so $\hat k_l$ replaces $k_l$ everywhere. Let $j_l$ be the *jump*, the distance in input pixels between neighbouring units of layer $l$. Starting from the input ($r_0=1$, $j_0=1$):
$$j_l = j_{l-1}\,s_l,\qquad r_l = r_{l-1} + (\hat k_l-1)\,j_{l-1}.$$
Unrolled, the RF of the last layer $L$ is
$$r_L = 1+\sum_{l=1}^{L}(\hat k_l-1)\prod_{i=1}^{l-1}s_i = 1+\sum_{l=1}^{L}d_l(k_l-1)\prod_{i=1}^{l-1}s_i .$$
The same result read top-down (the size $r_{l-1}$, in layer $l-1$ units, of the window that one unit of layer $L$ sees) is the recurrence
$$r_{l-1} = s_l\,r_l + (\hat k_l - s_l) = s_l(r_l-1)+\hat k_l,\qquad r_L = 1,$$
where the dilation enters through $\hat k_l$. Unit $i$ of layer $l$ sees input positions $i\,j_l + a_l,\dots,i\,j_l + a_l + r_l - 1$, where the start offset obeys $a_0=0$, $a_l = a_{l-1} - p_l\,j_{l-1}$.

**Remarks.**
- The RF is only an upper bound on what a unit "uses": with dilation it can contain **holes** unless the dilated taps tile the lower layer's RF, units near the border partly see zero padding (so they see fewer real pixels), and the *effective* RF (where the gradient is large) is much smaller and roughly Gaussian, concentrated at the centre.
- A larger RF lets a unit combine more context: early units see edges and textures, deep units can respond to object parts and whole objects. For dense prediction (segmentation, detection) the RF of the output must cover the objects to be recognised.
`,
  demos: ['receptive-field'],
};

const q2: Answer = {
  id: 'cnn.q2',
  number: '2',
  question: md`Explain and elaborate about three different ways to control the rate at which the receptive field grows from layer to layer. Compare them to each other in terms of how they combine input features.`,
  answer: md`
From $r_l = r_{l-1} + (\hat k_l-1)\,j_{l-1}$ with $j_l=\prod_{i\le l}s_i$ and $\hat k_l=d_l(k_l-1)+1$, a layer grows the RF by its own effective kernel, multiplied by the product of all earlier strides. (A bigger kernel also grows it, trivially, at a cost of $k^2$ weights per channel pair.) Three mechanisms control the rate:

1. **Pooling** (max or average over a $k\times k$ window, usually with stride $k$). It downsamples, so it multiplies the jump by its stride: *every later layer's* RF increment is multiplied, and the RF grows geometrically with the number of pooling stages. It has **no parameters**; it is a fixed aggregation applied **per channel**: max keeps the strongest response in the window (gives some invariance to small shifts, discards where it was), average takes the mean (a low-pass filter).
2. **Strided convolution** (stride $s>1$). Also downsamples, so it multiplies the jump by $s$ and all later increments with it: a **larger** stride means **faster** RF growth. It combines the inputs of its window with **learned weights across all input channels**, so the network learns how to downsample instead of using a fixed rule. The number of parameters is unchanged ($k^2C_\text{in}C_\text{out}$); only the output resolution, the activations and the compute shrink. With $s>k$ inputs are skipped, and any stride can alias.
3. **Dilated (atrous) convolution** (dilation $d$). The kernel's $k$ taps are spaced $d$ apart, so the layer adds $d(k-1)$ instead of $k-1$ to the RF, with **no downsampling** and **no extra parameters**. It combines a **sparse, learned** set of inputs spread over a wide area, across all channels. Stacking dilations $1,2,4,\dots$ makes the RF grow **exponentially** with depth while the resolution stays full, given padding $d(k-1)/2$ (without it each layer trims $d(k-1)$ pixels), as in WaveNet and DeepLab; the price is *gridding*: if the taps do not tile, the RF has holes and neighbouring outputs see disjoint input sets.

**Comparison.**

| | parameters | how inputs are combined | resolution | RF growth |
|---|---|---|---|---|
| pooling | none | fixed (max / mean), per channel | reduced | multiplies all later growth |
| strided conv | same as stride 1 | learned, dense window, all channels | reduced | multiplies all later growth |
| dilated conv | same as $d=1$ | learned, sparse taps, all channels | kept | adds $d(k-1)$ now (exponential when stacked) |

Pooling and striding buy RF by throwing resolution away (cheap, good for classification); dilation buys it without losing resolution (good for dense prediction), at the cost of sparse sampling and more compute per layer.
`,
  demos: ['receptive-field'],
};

const q3: Answer = {
  id: 'cnn.q3',
  number: '3',
  question: md`
Imagine a CNN with three convolutional layers, defined as follows:

\`\`\`python
cnn = nn.Sequential(
    nn.Conv2d(in_channels=3, out_channels=4, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(in_channels=4, out_channels=16, kernel_size=5, stride=2, padding=2),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(in_channels=16, out_channels=32, kernel_size=7, dilation=2, padding=3),
    nn.ReLU(),
)
cnn(torch.rand(size=(1, 3, 1024, 1024), dtype=torch.float32)).shape
# torch.Size([1, 32, 122, 122])
\`\`\`

What is the size (spatial extent) of the receptive field of each "pixel" in the output tensor?`,
  answer: md`
**Each output pixel has a $112\times 112$ receptive field** (for pixels away from the border).

ReLUs are element-wise and do not change the RF. Both axes behave the same, so one axis suffices. With $\hat k = d(k-1)+1$, $j_l = j_{l-1}s_l$ and $r_l = r_{l-1}+(\hat k_l-1)j_{l-1}$, starting from $r_0=j_0=1$:

| layer | $k$ | $s$ | $p$ | $d$ | $\hat k$ | jump $j_l$ | RF $r_l$ | size (of 1024) |
|---|---|---|---|---|---|---|---|---|
| conv1 | 3 | 1 | 1 | 1 | 3 | 1 | $1+2\cdot1=3$ | 1024 |
| maxpool | 2 | 2 | 0 | 1 | 2 | 2 | $3+1\cdot1=4$ | 512 |
| conv2 | 5 | 2 | 2 | 1 | 5 | 4 | $4+4\cdot2=12$ | 256 |
| maxpool | 2 | 2 | 0 | 1 | 2 | 8 | $12+1\cdot4=16$ | 128 |
| conv3 | 7 | 1 | 3 | 2 | 13 | 8 | $16+12\cdot8=112$ | 122 |

The closed form gives the same number:
$$r = 1 + (3-1)\cdot1 + (2-1)\cdot1 + (5-1)\cdot2 + (2-1)\cdot4 + 2(7-1)\cdot8 = 1+2+1+8+4+96 = 112 .$$
Top-down, with $r_{l-1}=s_l(r_l-1)+\hat k_l$ from $r_5=1$: $r_4 = 1\cdot0+13=13$, $r_3=2\cdot12+2=26$, $r_2=2\cdot25+5=55$, $r_1=2\cdot54+2=110$, $r_0=1\cdot(110-1)+3=112$.

The output size checks out too: $\lfloor(128+2\cdot3-13)/1\rfloor+1 = 122$.

**Where each pixel looks.** The start offset is $a = 0 - 1\cdot1 - 2\cdot2 - 3\cdot8 = -29$, so output pixel $i$ (along each axis) sees input rows $8i-29,\dots,8i+82$, centred at $8i+26.5$. The RF is **solid** here: conv3's 7 taps are $2\cdot 8=16$ input pixels apart and each tap sees a 16-pixel window, so the taps tile $7\cdot16=112$ pixels exactly with no holes. For example, output $(61,61)$ sees input rows and columns $459..570$.

Border pixels see less: for output $(0,0)$ the box would be $-29..82$; the negative part is zero padding, and the dilated taps land on pool-2 rows $-3,-1,1,\dots,9$, so output $(0,0)$ actually depends on input rows and columns $3..82$ only ($80\times80$ pixels).

The demo below computes all of this analytically for any layer list, and confirms it empirically by back-propagating from one output pixel of the same network built in TensorFlow.js.
`,
  demos: ['receptive-field', 'receptive-field-empirical'],
};

const q4: Answer = {
  id: 'cnn.q4',
  number: '4',
  question: md`
You have trained a CNN, where each layer $l$ is represented by the mapping $\vec{y}_l=f_l(\vec{x};\vec{\theta}_l)$, and $f_l(\cdot;\vec{\theta}_l)$ is a convolutional layer (not including the activation function).

After hearing that residual networks can be made much deeper, you decide to change each layer in your network you used the following residual mapping instead $\vec{y}_l=f_l(\vec{x};\vec{\theta}_l)+\vec{x}$, and re-train.

However, to your surprise, by visualizing the learned filters $\vec{\theta}_l$ you observe that the original network and the residual network produce completely different filters. Explain the reason for this.`,
  answer: md`
The filters play a **different role** in the two networks, so they must differ even if both networks end up computing the same function.

Suppose the plain network learned, at layer $l$, the mapping $H_l(\vec x) = K_l * \vec x$ (plus bias). In the residual network the layer computes $f_l(\vec x;\vec\theta_l) + \vec x$, so to represent **the very same mapping** its convolution only has to produce the *residual*
$$f_l(\vec x;\vec\theta_l) = H_l(\vec x) - \vec x .$$
Since the identity is itself a convolution with the "delta" kernel $\delta$ ($\delta[c,c,\text{centre}]=1$, zero elsewhere; this needs $C_\text{in}=C_\text{out}$), the residual filters are
$$K_l^{\text{res}} = K_l - \delta .$$
So even the ideal case gives different filters: the centre tap of each channel's own filter is shifted by one. In practice the differences are far larger:

- **What is learned.** Residual layers learn corrections to the identity. When the best $H_l$ is close to the identity (common in deep networks), the residual filters are small and look like noise or weak edge detectors, nothing like the plain network's filters. He et al. observed exactly this: residual functions have small responses.
- **The differences compound.** The input of layer $l$ is the output of the earlier layers. Once layer 1 differs, every later layer sees a differently represented input, so even layers that would compute "the same thing" need different filters.
- **Different optimisation.** The skip connections change the loss landscape and the gradient flow ($\partial \vec y_l/\partial \vec x = I + \partial f_l/\partial \vec x$), so SGD from the same initialisation follows a different path to a different solution. (Even retraining the *same* architecture from another seed gives different filters, up to permutations of the channels; comparing filters one-to-one is not meaningful in the first place.)
`,
};

export const cnn = { q1, q2, q3, q4 };
