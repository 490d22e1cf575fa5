import type { ClassScore } from './classify-sample.js';

/**
 * One class of a top-k list as the page shows it: a confidence bar, the name and the percentage,
 * with the index and probability in data attributes for the tests. Shared by the inference card and
 * the Live screen.
 */
export function classScoreItem({ index, probability }: ClassScore, name: string): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset['index'] = String(index);
  li.dataset['probability'] = String(probability);
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.style.width = `${Math.max(2, probability * 160)}px`;
  const prob = document.createElement('span');
  prob.className = 'prob';
  prob.textContent = `${(probability * 100).toFixed(1)}%`;
  li.append(bar, name, prob);
  return li;
}
