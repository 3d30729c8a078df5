// One read of a terminal can hold several keys: text typed fast then Tab, a paste ending in Enter, autotype from a
// password manager. Ink names a key only when it arrives alone; this splits a chunk into text and the Tab and Enter
// keys inside it, in order, so a field acts on them as if they came one by one.
export type ChunkPart = { text: string } | 'tab' | 'enter';

export function splitChunk(input: string): ChunkPart[] {
  const parts: ChunkPart[] = [];
  let text = '';
  for (const char of input) {
    if (char !== '\t' && char !== '\r') {
      text += char;
      continue;
    }
    if (text !== '') parts.push({ text });
    text = '';
    parts.push(char === '\t' ? 'tab' : 'enter');
  }
  if (text !== '') parts.push({ text });
  return parts;
}
