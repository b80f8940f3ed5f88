import { MathBundle, renderMarkdown } from '../notebook/display/math';
import { Answer } from './types';

/** The question as the assignment states it, numbered. */
export function questionMarkdown(a: Answer): string {
  return `**${a.number}.** ${a.question}`;
}

/** The answer, marked as the assignment asks ("**Answer:**" first). */
export function answerMarkdown(a: Answer): string {
  return `**Answer:**\n\n${a.answer}`;
}

export function renderQuestion(a: Answer): MathBundle {
  return renderMarkdown(questionMarkdown(a));
}

export function renderAnswer(a: Answer): MathBundle {
  return renderMarkdown(answerMarkdown(a));
}
