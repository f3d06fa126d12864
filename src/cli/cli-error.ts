/** Stable codes of CLI failures; scripts branch on them, never on message text. */
export enum CliErrorCode {
  /** Bad command line. */
  USAGE = 'ERR_GW_CLI_USAGE',
  /** The cdk8s app could not be found, failed, timed out or wrote no topology. */
  APP = 'ERR_GW_CLI_APP',
  /** A topology file is not readable or not a gatewright topology. */
  TOPOLOGY = 'ERR_GW_CLI_TOPOLOGY',
  /** `--base` / `--head` names nothing usable (file, directory or git ref). */
  SOURCE = 'ERR_GW_CLI_SOURCE',
  /** `gatewright init` would overwrite files, or cannot read the existing package.json. */
  INIT = 'ERR_GW_CLI_INIT',
}

/** A CLI failure: the message is shown as is (it never contains secret values). */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
