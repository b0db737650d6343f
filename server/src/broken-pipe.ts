// The CLI's output into a pipe whose reader has gone (`codectx search x | head -1`): the reader wants no more, so the
// process ends quietly with exit 0 instead of an unhandled `write EPIPE`. Not for the language server (its stream).
/** On EPIPE, stdout ends the process with exit 0 and stderr goes quiet (the work goes on); other errors still throw. */
export function endQuietlyOnBrokenPipe(stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
