// The size of the terminal Ink draws on, read again on every resize so the layout follows the window.
// rows is undefined when stdout is not a terminal: there is no screen height to fit then.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  rows?: number;
  columns: number;
}

const FALLBACK_COLUMNS = 80;

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return { rows: stdout.rows || undefined, columns: stdout.columns || FALLBACK_COLUMNS };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
