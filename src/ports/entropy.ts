// Unpredictable tokens, e.g. the mark that ends each answer of a batched check: no file name or error text a
// backup holds can forge it.
export interface Entropy {
  /** `bytes` random bytes as lower-case hex. */
  token(bytes: number): string;
}
