import React from 'react';
import { Box, Text } from 'ink';
import { wrapText } from './presentation/wrap-text.js';

export interface LeadTextProps {
  /** The mark before the text, e.g. ⚠ or ?. */
  glyph: string;
  /** Color of the mark. */
  glyphColor?: string;
  /** The text after the mark; wrapped under it. */
  text: string;
  /** Color of the text. */
  color?: string;
  /** Whether the text is bold. */
  isBold?: boolean;
  /** Columns to wrap in; Ink wraps when absent. */
  columns?: number;
}

// A marked line of text (a prompt's question, the summary's headline) wrapped here rather than by Ink, whose
// wrapping starts a row with the space it broke at when the row before is exactly full.
export function LeadText({ glyph, glyphColor, text, color, isBold = false, columns }: LeadTextProps) {
  const [first = '', ...rest] = wrapText(`${glyph} ${text}`, columns ?? Number.POSITIVE_INFINITY);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={glyphColor ?? color} bold={isBold}>
          {glyph}
        </Text>
        <Text color={color} bold={isBold}>
          {first.slice(glyph.length)}
        </Text>
      </Text>
      {rest.map((line, index) => (
        <Text key={index} color={color} bold={isBold}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
