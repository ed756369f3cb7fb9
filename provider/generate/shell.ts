/** Characters a POSIX shell word may hold without quotes. */
const plainWord = /^[A-Za-z0-9_\/.:=@%+,-]+$/;

/**
 * A command line a POSIX shell reads back as exactly `args`: each word left as it is when that is
 * safe, else in single quotes (a `'` inside written `'\''`).
 */
export function shellCommand(args: readonly string[]): string {
  return args.map((arg) => (plainWord.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`)).join(" ");
}
