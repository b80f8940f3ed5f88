import { escapeHtml } from './escape';

/** What a progress renderer draws: pure data, so the text is testable without a terminal or kernel. */
export interface ProgressState {
  label: string;
  value: number;
  total: number;
  /** Seconds since start. */
  elapsed: number;
  unit: string;
  done: boolean;
  note?: string;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Items per second, and seconds left at that rate (NaN until there is a rate). */
export function rateAndEta(p: ProgressState): { rate: number; eta: number } {
  const rate = p.elapsed > 0 ? p.value / p.elapsed : NaN;
  const eta = rate > 0 ? Math.max(0, p.total - p.value) / rate : NaN;
  return { rate, eta };
}

function fraction(p: ProgressState): number {
  return p.total > 0 ? Math.min(1, Math.max(0, p.value / p.total)) : 0;
}

function rateText(rate: number, unit: string): string {
  if (!Number.isFinite(rate)) return `-- ${unit}/s`;
  return rate >= 1 || rate === 0 ? `${rate.toFixed(rate >= 100 ? 0 : 2)} ${unit}/s` : `${(1 / rate).toFixed(2)} s/${unit}`;
}

/** One line: `label [#####-----] 45/100 45% 3.20 it/s ETA 00:17 (00:14)`. */
export function formatProgressText(p: ProgressState, width = 24): string {
  const f = fraction(p);
  const filled = Math.round(f * width);
  const { rate, eta } = rateAndEta(p);
  const tail = p.done ? `done in ${formatDuration(p.elapsed)}` : `ETA ${formatDuration(eta)} (${formatDuration(p.elapsed)})`;
  const label = p.label ? `${p.label} ` : '';
  const note = p.note ? ` ${p.note}` : '';
  return `${label}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.value}/${p.total} ${Math.round(f * 100)}% ${rateText(rate, p.unit)} ${tail}${note}`;
}

/** The same in HTML for a notebook (a <progress> bar; no script, so it also shows untrusted). */
export function formatProgressHtml(p: ProgressState): string {
  const f = fraction(p);
  const { rate, eta } = rateAndEta(p);
  const tail = p.done ? `done in ${formatDuration(p.elapsed)}` : `ETA ${formatDuration(eta)} (elapsed ${formatDuration(p.elapsed)})`;
  return (
    `<div class="taco-progress" style="font-family:monospace">` +
    (p.label ? `<span>${escapeHtml(p.label)}</span> ` : '') +
    `<progress value="${p.value}" max="${p.total > 0 ? p.total : 1}" style="width:16em;vertical-align:middle"></progress> ` +
    `<span>${p.value}/${p.total} (${Math.round(f * 100)}%) · ${escapeHtml(rateText(rate, p.unit))} · ${escapeHtml(tail)}${p.note ? ` · ${escapeHtml(p.note)}` : ''}</span>` +
    `</div>`
  );
}
