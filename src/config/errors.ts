/** A configuration problem reported to the user as one line, exit 2. */
export class ConfigError extends Error {}

/** A wrong command line: one line, exit 2. */
export class UsageError extends Error {}
