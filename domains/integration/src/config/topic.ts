/** MQTT topic filters (`+` one level, `#` the rest), matched as the MQTT specification says. */

export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/** Why a topic filter is invalid, or null when it is fine. */
export function topicFilterProblem(filter: string): string | null {
  const levels = filter.split('/');
  for (const [index, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || index !== levels.length - 1))
      return '"#" must be a whole level and the last one';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return null;
}

/**
 * Whether `topic` matches `filter`. `#` also matches its parent level (`a/#` matches `a`), and
 * topics starting with `$` are not matched by a filter starting with a wildcard.
 */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  for (const [index, level] of filterLevels.entries()) {
    if (level === '#') return true;
    const topicLevel = topicLevels[index];
    if (topicLevel === undefined) return false;
    if (level !== '+' && level !== topicLevel) return false;
  }
  return filterLevels.length === topicLevels.length;
}
