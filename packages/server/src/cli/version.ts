/** The version of the steward CLI and server. */
export const VERSION = '0.1.0';
