import { attention } from './attention';
import { backprop } from './backprop';
import { cnn } from './cnn';
import { dropout } from './dropout';
import { losses } from './losses';
import { optimization } from './optimization';
import { sequence } from './sequence';
import { Answer, Topic } from './types';
import { unsupervised } from './unsupervised';

export type { Answer, Topic } from './types';

/** The Part 2 answers by topic, e.g. `answers.cnn.q3`. */
export const answers = { cnn, dropout, losses, optimization, backprop, sequence, attention, unsupervised };

export type TopicKey = keyof typeof answers;

/** The assignment's headings, in its order. */
export const topics: Record<TopicKey, string> = {
  cnn: 'CNNs',
  dropout: 'Dropout',
  losses: 'Losses and Activation functions',
  optimization: 'Optimization',
  backprop: 'Backpropagation',
  sequence: 'Sequence models',
  attention: 'Attention',
  unsupervised: 'Unsupervised learning',
};

export function topicList(): Topic[] {
  return (Object.keys(topics) as TopicKey[]).map((k) => ({ title: topics[k], questions: answers[k] as Record<string, Answer> }));
}

/** Every answer in the assignment's order. */
export function allAnswers(): Answer[] {
  return topicList().flatMap((t) => Object.values(t.questions));
}

export function answerById(id: string): Answer {
  const a = allAnswers().find((x) => x.id === id);
  if (!a) throw new Error(`no Part 2 answer "${id}" (known: ${allAnswers().map((x) => x.id).join(', ')})`);
  return a;
}
