// The focused step's text cut into the lines StepDetail and CommandBox render, so that the screen layout
// counts exactly what is drawn.
import type { StepView } from '../../runbook/view.js';
import { clampLines, wrapText } from './wrap-text.js';

export interface CommandLine {
  text: string;
  /** Whether the line starts a command (shown after `$ `) rather than continuing one. */
  isStart: boolean;
}

export function getWhyLines(why: string, columns: number, maxLines: number): string[] {
  return clampLines(wrapText(why, columns), maxLines, columns);
}

// Commands wrapped inside `width` (after the `$ ` prefix), or one line each that Ink cuts with … at the edge.
export function getCommandLines(commands: string[], width: number, isTruncated: boolean): CommandLine[] {
  if (isTruncated) return commands.map((text) => ({ text, isStart: true }));
  return commands.flatMap((command) => wrapText(command, width - 2).map((text, index) => ({ text, isStart: index === 0 })));
}

/** Columns inside the command box: its border and padding take two on each side. */
export function getCommandWidth(columns: number, hasBorder: boolean): number {
  return hasBorder ? columns - 4 : columns;
}

export interface ErrorLines {
  message: string[];
  hint: string[];
  state: string[];
}

export function getErrorLines(error: NonNullable<StepView['error']>, columns: number): ErrorLines {
  return {
    message: wrapText(`✘ ${error.message}`, columns),
    hint: error.hint ? wrapText(`hint: ${error.hint}`, columns) : [],
    state: error.state ? wrapText(`state: ${error.state}`, columns) : [],
  };
}

/** The progress bar is narrower on a narrow terminal so the figures after it stay on one line. */
export function getProgressBarWidth(columns: number): number {
  return columns >= 90 ? 30 : 20;
}
