import { classScoreItem } from '../inference/class-score-item.js';
import type { ClassScore } from '../inference/classify-sample.js';

/** One entry of the history: a top-1 class and how long it stayed on top. */
interface HistoryEntry {
  readonly index: number;
  readonly name: string;
  probability: number;
  readonly since: number;
  until: number;
}

/**
 * The live predictions: the top-k classes with a confidence bar each (the markup of the
 * inference card's list), and a short history of the top-1 class (newest first; a class that stays
 * on top extends its entry instead of adding one).
 */
export class TopKView {
  private readonly history: HistoryEntry[] = [];

  constructor(
    private readonly list: HTMLOListElement,
    private readonly historyList: HTMLOListElement,
    private readonly historyLength = 6,
  ) {}

  show(top: readonly ClassScore[], className: (index: number) => string, now: number): void {
    this.list.replaceChildren(...top.map((score) => classScoreItem(score, className(score.index))));
    const best = top[0];
    if (best === undefined) return;
    const last = this.history[0];
    if (last !== undefined && last.index === best.index) {
      last.until = now;
      last.probability = Math.max(last.probability, best.probability);
    } else {
      this.history.unshift({ index: best.index, name: className(best.index), probability: best.probability, since: now, until: now });
      this.history.length = Math.min(this.history.length, this.historyLength);
    }
    this.renderHistory(now);
  }

  clear(): void {
    this.list.replaceChildren();
    this.history.length = 0;
    this.historyList.replaceChildren();
  }

  private renderHistory(now: number): void {
    this.historyList.replaceChildren(
      ...this.history.map((entry) => {
        const li = document.createElement('li');
        li.dataset['index'] = String(entry.index);
        const ago = (now - entry.until) / 1000;
        const held = (entry.until - entry.since) / 1000;
        li.textContent = `${entry.name} — up to ${(entry.probability * 100).toFixed(0)}%, ${held.toFixed(1)} s${ago > 0.05 ? `, ${ago.toFixed(1)} s ago` : ''}`;
        return li;
      }),
    );
  }
}
