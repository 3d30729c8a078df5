// What a text field holds after one chunk of input. A terminal may deliver several keys in one read (a held
// Backspace, a slow link, `tmux send-keys BSpace BSpace`): Ink then hands over the whole chunk, unnamed, so the
// erase bytes in it (DEL \x7f, BS \b) are applied here in order, one character each. Other control bytes
// (newlines and escapes in a paste) never reach the text.
const ERASE = new Set(['\u007F', '\b']);

export function applyTypedInput(text: string, input: string): string {
  const chars = [...text];
  for (const char of input) {
    if (ERASE.has(char)) chars.pop();
    else if (char >= ' ') chars.push(char);
  }
  return chars.join('');
}
