// Line breaking the way Ink breaks a <Text>, so that a component can render lines it wrapped itself and a
// layout can count rows before anything is drawn.

const PICTOGRAPH = /\p{Extended_Pictographic}/u;
// eslint-disable-next-line no-misleading-character-class -- a class of single code points, each tested alone
const ZERO_WIDTH = /[\u200B-\u200D\uFE0E\uFE0F\p{Mn}]/u;

// Columns as Ink's wrapping counts them: pictographs (⚠ ✔ 🙂) take two, combining marks none, the rest one.
// (East Asian wide characters are not expected in commands, paths and these English texts.)
export function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return PICTOGRAPH.test(char) ? 2 : 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

// The longest start of `text` at most `width` columns wide, and the rest.
function splitAtWidth(text: string, width: number): [head: string, rest: string] {
  let used = 0;
  let head = '';
  const chars = [...text];
  for (const [index, char] of chars.entries()) {
    if (used + charWidth(char) > width) return [head, chars.slice(index).join('')];
    used += charWidth(char);
    head += char;
  }
  return [head, ''];
}

function cutWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (textWidth(rest) > width) {
    const [head, tail] = splitAtWidth(rest, width);
    if (head === '') break;
    pieces.push(head);
    rest = tail;
  }
  pieces.push(rest);
  return pieces;
}

// Greedy, whole words, an over-long word cut; no line starts or ends with the space it broke at.
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
      if (textWidth(word) <= columns) {
        lines.push(line);
        line = word;
        continue;
      }
      // Like Ink: an over-long word starts on the current line unless a new line saves a break.
      const room = columns - textWidth(line) - 1;
      const breaksHere = 1 + Math.floor((textWidth(word) - room - 1) / columns);
      const breaksOnNewLine = Math.floor((textWidth(word) - 1) / columns);
      let rest = word;
      if (line !== '' && room > 0 && breaksOnNewLine >= breaksHere) {
        const [head, tail] = splitAtWidth(word, room);
        lines.push(`${line} ${head}`);
        rest = tail;
      } else if (line !== '') {
        lines.push(line);
      }
      const pieces = cutWord(rest, columns);
      lines.push(...pieces.slice(0, -1));
      line = pieces[pieces.length - 1];
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
  kept[max - 1] = `${splitAtWidth(kept[max - 1], Math.max(0, width - 1))[0]}…`;
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
    const width = charWidth(char);
    if (visible + width <= columns) rows[rows.length - 1] += char;
    else {
      rows.push(char);
      visible = 0;
    }
    visible += width;
    if (visible === columns && index < chars.length - 1) {
      rows.push('');
      visible = 0;
    }
  });
  if (visible === 0 && rows[rows.length - 1].length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop();
}
