// The one error type of the store: a problem with the index file itself.

export type StoreErrorCode = 'corrupt' | 'too-new' | 'other-repo' | 'io';

/** A problem with the index file itself; `code` says which, the message says what to do. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
