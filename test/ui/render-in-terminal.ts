// render() with a terminal of a given size. ink-testing-library's stdout always has 100 columns and no rows, so
// a screen that budgets its height could not be seen at, say, 80×24; this one also resizes like a window.
import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render as inkRender } from 'ink';

class TerminalStdout extends EventEmitter {
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class TerminalStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export function renderInTerminal(tree: ReactElement, { columns, rows }: { columns: number; rows: number }) {
  const stdout = new TerminalStdout(columns, rows);
  const stdin = new TerminalStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new TerminalStdout(columns, rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdin,
    frames: stdout.frames,
    lastFrame: () => stdout.frames.at(-1),
    unmount: instance.unmount,
    /** Changes the size and tells Ink, as a terminal window does. */
    resize: (size: { columns: number; rows: number }) => {
      stdout.columns = size.columns;
      stdout.rows = size.rows;
      stdout.emit('resize');
    },
  };
}
