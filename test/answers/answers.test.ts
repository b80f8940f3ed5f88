import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allAnswers, answers, topicList } from '../../src/answers';
import { renderAnswer, renderQuestion } from '../../src/answers/render';
import { DEMOS } from '../../src/demos';
import { checkFormulas, collectFormulas, renderMarkdown } from '../../src/notebook/display/math';

test('every Part 2 question of every topic has an answer, in the assignment order', () => {
  const counts = topicList().map((t) => [t.title, Object.keys(t.questions).length]);
  assert.deepEqual(counts, [
    ['CNNs', 4],
    ['Dropout', 3],
    ['Losses and Activation functions', 4],
    ['Optimization', 6],
    ['Backpropagation', 3],
    ['Sequence models', 3],
    ['Attention', 1],
    ['Unsupervised learning', 3],
  ]);
  for (const a of allAnswers()) {
    assert.ok(a.question.length > 20, `${a.id}: question text`);
    assert.ok(a.answer.length > 200, `${a.id}: answer is too short to be complete`);
    assert.doesNotMatch(a.answer, /TODO|FIXME|XXX/, `${a.id}: leftover TODO`);
    assert.match(a.id, /^[a-z]+\.q\d$/);
  }
  assert.equal(answers.cnn.q3.id, 'cnn.q3');
});

test('every formula in every question and answer compiles with KaTeX (throwOnError)', () => {
  let n = 0;
  for (const a of allAnswers()) {
    n += checkFormulas(a.question);
    n += checkFormulas(a.answer);
  }
  assert.ok(n > 300, `only ${n} formulas found: the math scanner is missing some`);
});

test('a bad formula is reported, not rendered as red text', () => {
  assert.throws(() => checkFormulas('fine $x^2$ then $\\frac{1}{$'), /KaTeX cannot compile/);
  assert.throws(() => checkFormulas('$\\undefinedmacro x$'), /Undefined control sequence/);
});

test('sub-answers are numbered as the assignment numbers them', () => {
  const numbered = (s: string): string[] => [...s.matchAll(/\*\*(\d\.\d)[\s*]/g)].map((m) => m[1]);
  assert.deepEqual(numbered(answers.losses.q4.answer), ['4.1', '4.2', '4.3']);
  assert.deepEqual(numbered(answers.optimization.q2.answer), ['2.1', '2.2']);
  assert.deepEqual(numbered(answers.optimization.q4.answer), ['4.1', '4.2', '4.3', '4.4', '4.5', '4.6']);
  assert.deepEqual(numbered(answers.optimization.q6.answer), ['6.1', '6.2', '6.3', '6.4']);
  assert.deepEqual(numbered(answers.sequence.q1.answer), ['1.1', '1.2']);
  assert.deepEqual(numbered(answers.sequence.q3.answer), ['3.1', '3.2', '3.3']);
  assert.deepEqual(numbered(answers.unsupervised.q1.answer), ['1.1', '1.2']);
  assert.deepEqual(numbered(answers.unsupervised.q2.answer), ['2.1', '2.2', '2.3']);
  assert.deepEqual(numbered(answers.unsupervised.q3.answer), ['3.1', '3.2', '3.3', '3.4', '3.5']);
});

test('the verdicts the review requires', () => {
  assert.match(answers.optimization.q4.answer, /\*\*4\.6 False\.\*\*/);
  assert.match(answers.sequence.q3.answer, /\*\*3\.1 False\.\*\*/);
  assert.match(answers.unsupervised.q3.answer, /\*\*3\.4 False\*\*/);
  assert.match(answers.losses.q4.answer, /\*\*4\.2 False\.\*\*/);
  assert.match(answers.losses.q1.answer, /0\.16375/);
  assert.match(answers.cnn.q3.answer, /112\\times 112/);
});

test('every demo an answer cites exists', () => {
  for (const a of allAnswers()) for (const d of a.demos ?? []) assert.ok(d in DEMOS, `${a.id} cites unknown demo ${d}`);
});

test('answers render to MathML HTML with the Markdown as fallback', () => {
  const b = renderAnswer(answers.cnn.q1);
  assert.match(b['text/html'], /<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"/);
  assert.match(b['text/html'], /^<div class="taco-md"><p><strong>Answer:<\/strong>/);
  assert.match(b['text/markdown'], /^\*\*Answer:\*\*/);
  assert.doesNotMatch(b['text/html'], /katex-error/);
  assert.match(renderQuestion(answers.cnn.q3)['text/html'], /<pre><code class="language-python">/);
});

test('math scanning: $ in code, escaped \\$, and Markdown inside math', () => {
  assert.deepEqual(collectFormulas('cost \\$5 and `$x$` and $a_1 * b_2$'), [{ tex: 'a_1 * b_2', display: false }]);
  const html = renderMarkdown('$$\na_{i}^{*} = \\sum_j x_j\n$$')['text/html'];
  assert.match(html, /display="block"/);
  assert.doesNotMatch(html, /<em>/);
});

test('answer sources avoid \\u and \\x inside templates (tslab\'s TypeScript 5.0 rejects them even in String.raw)', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dir = path.resolve(__dirname, '..', '..', 'src', 'answers');
  for (const f of fs.readdirSync(dir).filter((x: string) => x.endsWith('.ts') && x !== 'types.ts' && x !== 'part2-notebook.ts')) {
    assert.doesNotMatch(fs.readFileSync(path.join(dir, f), 'utf8'), /\\[ux]/, f);
  }
});
