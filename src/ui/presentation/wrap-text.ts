// Line breaking the way Ink breaks a <Text> (greedy, whole words, over-long words cut), so that a component can
// render lines it wrapped itself and a layout can count them before anything is drawn.
// Widths count code points: the texts here are commands, paths and English, with no wide characters.

export function textWidth(text: string): number {
  return [...text].length;
}

function sliceChars(text: string, start: number, end?: number): string {
  return [...text].slice(start, end).join('');
}

function cutWord(word: string, width: number): string[] {
  const chars = [...word];
  const pieces: string[] = [];
  for (let start = 0; start < chars.length; start += width) pieces.push(chars.slice(start, start + width).join(''));
  return pieces;
}

export function wrapText(text: string, width: number): string[] {
  const columns = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const joined = line === '' ? word : `${line} ${word}`;
      if (textWidth(joined) <= columns) {
        line = joined;
        continue;
      }
      if (textWidth(word) > columns) {
        // Like wrap-ansi: an over-long word starts on the current line unless a new line saves a break.
        const room = columns - textWidth(line) - 1;
        const breaksHere = 1 + Math.floor((textWidth(word) - room - 1) / columns);
        const breaksOnNewLine = Math.floor((textWidth(word) - 1) / columns);
        const isNewLine = line === '' || room <= 0 || breaksOnNewLine < breaksHere;
        if (!isNewLine) {
          lines.push(`${line} ${sliceChars(word, 0, room)}`);
          const rest = cutWord(sliceChars(word, room), columns);
          lines.push(...rest.slice(0, -1));
          line = rest.at(-1) ?? '';
          continue;
        }
        if (line !== '') lines.push(line);
        const pieces = cutWord(word, columns);
        lines.push(...pieces.slice(0, -1));
        line = pieces.at(-1) ?? '';
        continue;
      }
      lines.push(line);
      line = word;
    }
    lines.push(line);
  }
  return lines;
}

// At most `max` lines; a cut shows as … ending the last line kept.
export function clampLines(lines: string[], max: number, width: number): string[] {
  if (lines.length <= max) return lines;
  if (max <= 0) return [];
  const kept = lines.slice(0, max);
  const last = kept[max - 1];
  kept[max - 1] = `${textWidth(last) >= width ? sliceChars(last, 0, Math.max(0, width - 1)) : last}…`;
  return kept;
}

// Texts that may hold a listing after their first line (a manifest, candidates) show that first line only.
export function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

// How many rows Ink gives a <Text> it wraps itself (wrap-ansi, hard, spaces kept). Unlike wrapText, a space
// after a full row starts the next row, which can cost one more: a layout counting Ink-wrapped text needs this.
export function countInkRows(text: string, width: number): number {
  return text.split('\n').reduce((rows, line) => rows + wrapLikeInk(line, Math.max(1, Math.floor(width))).length, 0);
}

function wrapLikeInk(line: string, columns: number): string[] {
  const rows = [''];
  line.split(' ').forEach((word, index) => {
    let rowLength = textWidth(rows[rows.length - 1]);
    if (index !== 0) {
      if (rowLength >= columns) {
        rows.push('');
        rowLength = 0;
      }
      rows[rows.length - 1] += ' ';
      rowLength += 1;
    }
    const length = textWidth(word);
    if (length > columns) {
      const breaksHere = 1 + Math.floor((length - (columns - rowLength) - 1) / columns);
      const breaksOnNewRow = Math.floor((length - 1) / columns);
      if (breaksOnNewRow < breaksHere) rows.push('');
      cutWordLikeInk(rows, word, columns);
      return;
    }
    if (rowLength + length > columns && rowLength > 0 && length > 0) rows.push('');
    rows[rows.length - 1] += word;
  });
  return rows;
}

function cutWordLikeInk(rows: string[], word: string, columns: number): void {
  const chars = [...word];
  let visible = textWidth(rows[rows.length - 1]);
  chars.forEach((char, index) => {
    if (visible + 1 <= columns) rows[rows.length - 1] += char;
    else {
      rows.push(char);
      visible = 0;
    }
    visible += 1;
    if (visible === columns && index < chars.length - 1) {
      rows.push('');
      visible = 0;
    }
  });
  if (visible === 0 && rows[rows.length - 1].length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop();
}
