/**
 * What the size check (scripts/size.ts) builds in place of src/connect.ts to measure the core alone:
 * every source gets its own connection, with no word of sharing.
 */
export { createConnection as connect } from '../src/connection';
