// The command-line options of the bench scripts: `--name value`, `--name=value` and flags; `--help` prints the usage.
// `spec` maps each option to a converter (String, Number, a path resolver…) or to `true` for a flag; the result is keyed
// by the option's name in camelCase (`--write-docs` → writeDocs), so that `{ ...defaults, ...readOptions(…) }` works.
// An unknown option or a missing value goes to `fail` (which exits).
export function readOptions(argv, spec, usage, fail) {
  const out = {};
  const key = (name) => name.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.split('=')[0];
    if (name === '--help' || name === '-h') {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const convert = spec[name];
    if (convert === undefined) fail(`unknown argument ${arg}\n${usage}`);
    else if (convert === true) out[key(name)] = true;
    else {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined) fail(`${name} needs a value`);
      out[key(name)] = convert(value);
    }
  }
  return out;
}
