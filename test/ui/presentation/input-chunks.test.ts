import { describe, expect, it } from 'vitest';
import { splitChunk, type ChunkPart } from '../../../src/ui/presentation/input-chunks.js';

describe('splitChunk', () => {
  it.each<[string, string, ChunkPart[]]>([
    ['text alone', 'data/ap', [{ text: 'data/ap' }]],
    ['text then Tab, typed fast', 'data/ap\t', [{ text: 'data/ap' }, 'tab']],
    ['a paste ending in Enter', '/home/ops/app.db\r', [{ text: '/home/ops/app.db' }, 'enter']],
    ['Tab twice between text', 'da\t\tx', [{ text: 'da' }, 'tab', 'tab', { text: 'x' }]],
    ['nothing', '', []],
  ])('%s', (_name, input, expected) => {
    expect(splitChunk(input)).toEqual(expected);
  });
});
