import React, { useEffect, useRef } from 'react';
import { Box, Text, useInput } from 'ink';
import type { SelectOption } from '../runbook/events.js';
import { LeadText } from './LeadText.js';
import { initialPathInput, reducePathInput, type PathInputAction, type PathInputState } from './presentation/path-input.js';
import { splitChunk } from './presentation/input-chunks.js';
import { layoutPathPrompt } from './presentation/path-layout.js';
import { useRefState } from './use-ref-state.js';

/** What Tab completes the typed text to: the common prefix of the matches, and the matches when several. */
export type CompletePath = (typed: string) => Promise<{ value: string; matches: string[] }>;

export interface PathPromptProps {
  /** The question, e.g. where the healthy local copy is. */
  message: string;
  /** Files the step found that fit, best first; the arrows put one in the field. */
  suggestions: SelectOption[];
  /** Whether Enter with nothing typed answers (meaning none). */
  isEmptyAllowed: boolean;
  /** Called with the text in the field on Enter. */
  onSubmit: (value: string) => void;
  /** Called on Escape (once no list of matches is open). */
  onCancel: () => void;
  /** Tab's completion; without it Tab says there is none. */
  completePath?: CompletePath;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to lay the prompt out in; 80 when absent. */
  columns?: number;
  /** Rows the whole prompt may take; a longer list scrolls. Unbounded when absent. */
  maxRows?: number;
}

export function PathPrompt({
  message,
  suggestions,
  isEmptyAllowed,
  onSubmit,
  onCancel,
  completePath,
  isActive = true,
  columns = 80,
  maxRows,
}: PathPromptProps) {
  const [state, readState, writeState] = useRefState<PathInputState>(initialPathInput);
  const windowStart = useRef(0);
  const isMounted = useRef(true);
  useEffect(
    () => () => {
      isMounted.current = false;
    },
    [],
  );
  const dispatch = (action: PathInputAction) => writeState(reducePathInput(readState(), action, suggestions));
  const layout = layoutPathPrompt(message, suggestions, isEmptyAllowed, state, columns, maxRows, windowStart.current);
  windowStart.current = layout.window.start;

  const complete = (typed: string) => {
    if (!completePath) return dispatch({ type: 'tab-unavailable' });
    dispatch({ type: 'tab-started' });
    completePath(typed).then(
      ({ value, matches }) => isMounted.current && dispatch({ type: 'tab-finished', typed, value, matches }),
      (error: unknown) =>
        isMounted.current && dispatch({ type: 'tab-failed', typed, message: error instanceof Error ? error.message : String(error) }),
    );
  };

  const submit = (typed: string) => (typed === '' && !isEmptyAllowed ? dispatch({ type: 'empty-refused' }) : onSubmit(typed));

  useInput(
    (input, key) => {
      const current = readState();
      if (key.escape) return current.list.kind === 'matches' ? dispatch({ type: 'close-list' }) : onCancel();
      if (key.return) return submit(current.typed);
      if (key.tab) return complete(current.typed);
      if (key.upArrow) return dispatch({ type: 'move', delta: -1 });
      if (key.downArrow) return dispatch({ type: 'move', delta: 1 });
      if (key.backspace || key.delete) return dispatch({ type: 'erase' });
      if (key.ctrl || key.meta || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
      for (const part of splitChunk(input)) {
        if (part === 'tab') complete(readState().typed);
        else if (part === 'enter') return submit(readState().typed);
        else dispatch({ type: 'input', input: part.text });
      }
    },
    { isActive },
  );

  return (
    <Box flexDirection="column">
      <LeadText glyph="?" glyphColor="cyan" text={message} isBold columns={columns} />
      <Text>
        <Text color="cyan">&gt; </Text>
        {layout.field}
        {isActive ? <Text inverse> </Text> : null}
      </Text>
      {layout.note ? (
        <Text color={layout.note.tone === 'error' ? 'red' : undefined} dimColor={layout.note.tone === 'info'}>
          {layout.note.text}
        </Text>
      ) : null}
      {layout.heading ? <Text dimColor>{layout.heading}</Text> : null}
      {layout.rows.map((row, index) => (
        <Text key={layout.window.start + index}>
          <Text color={row.isHighlighted ? 'cyan' : undefined}>{row.text}</Text>
          {row.hint ? <Text dimColor>{`  ${row.hint}`}</Text> : null}
        </Text>
      ))}
      <Text dimColor>{layout.legend}</Text>
    </Box>
  );
}
