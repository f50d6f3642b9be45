/**
 * Bad input to a backtest: a flag, a column or a policy that cannot work. `field` names the flag or column, so the
 * CLI can say `steward: --delay …` and exit 2; nothing is written before it is thrown.
 */
export class BacktestInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'BacktestInputError';
  }
}
