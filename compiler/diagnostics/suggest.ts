import leven from 'leven';

/** The closest candidate within a typo's reach, for "did you mean …?" hints. */
export function suggestClosest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const reach = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= reach ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const closest = suggestClosest(word, list);
  if (closest) return `did you mean \`${closest}\`?`;
  return list.length > 0 ? `expected one of: ${list.map((c) => `\`${c}\``).join(', ')}` : undefined;
}
