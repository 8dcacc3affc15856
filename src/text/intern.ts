/**
 * One copy of equal strings. Index builds split thousands of procedure texts into syllables and
 * terms, and every split makes new strings: "giấy", "cap_giay" and their like would otherwise be
 * kept once per procedure and per index. Use it while building, then drop it; it is not for
 * questions, whose words are not bounded.
 */
export function createInterner(): (text: string) => string {
  const kept = new Map<string, string>();
  return (text) => {
    const found = kept.get(text);
    if (found !== undefined) return found;
    kept.set(text, text);
    return text;
  };
}
