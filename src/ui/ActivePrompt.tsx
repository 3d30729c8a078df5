import React from 'react';
import type { Prompt, PromptAnswer } from '../runbook/events.js';
import { PathPrompt, type CompletePath } from './PathPrompt.js';
import { SecretPrompt } from './SecretPrompt.js';
import { Select } from './Select.js';
import { TypedConfirmation } from './TypedConfirmation.js';
import { YesNo } from './YesNo.js';

export interface ActivePromptProps {
  /** The prompt the engine opened. */
  prompt: Prompt;
  /** Called with the answer in the shape the engine expects. */
  onAnswer: (answer: PromptAnswer) => void;
  /** Called when the operator backs out (Escape). */
  onCancel: () => void;
  /** Whether keys are handled; off once answered. */
  isActive?: boolean;
  /** Columns to wrap the question in; Ink wraps it when absent. */
  columns?: number;
  /** Rows the prompt may take; a list longer than that scrolls. */
  maxRows?: number;
  /** Tab's completion at a path prompt. */
  completePath?: CompletePath;
}

export function ActivePrompt({ prompt, onAnswer, onCancel, isActive = true, columns, maxRows, completePath }: ActivePromptProps) {
  switch (prompt.kind) {
    case 'select':
      return (
        <Select
          message={prompt.message}
          options={prompt.options}
          initialIndex={prompt.initialIndex}
          onSubmit={(value) => onAnswer({ kind: 'select', value })}
          onCancel={onCancel}
          isActive={isActive}
          columns={columns}
          maxRows={maxRows}
        />
      );
    case 'confirm-typed':
      return (
        <TypedConfirmation
          message={prompt.message}
          expected={prompt.expected}
          onSubmit={(typed) => onAnswer({ kind: 'confirm-typed', typed })}
          onCancel={onCancel}
          isActive={isActive}
          columns={columns}
        />
      );
    case 'yes-no':
      return (
        <YesNo
          message={prompt.message}
          isDefaultYes={prompt.defaultYes}
          onSubmit={(yes) => onAnswer({ kind: 'yes-no', yes })}
          onCancel={onCancel}
          isActive={isActive}
        />
      );
    case 'path':
      return (
        <PathPrompt
          message={prompt.message}
          suggestions={prompt.suggestions}
          isEmptyAllowed={prompt.isEmptyAllowed}
          onSubmit={(value) => onAnswer({ kind: 'path', value })}
          onCancel={onCancel}
          completePath={completePath}
          isActive={isActive}
          columns={columns}
          maxRows={maxRows}
        />
      );
    case 'secret':
      return (
        <SecretPrompt
          message={prompt.message}
          onSubmit={(value) => onAnswer({ kind: 'secret', value })}
          onCancel={onCancel}
          isActive={isActive}
          columns={columns}
        />
      );
  }
}
