/**
 * The fault suite's tools, in three files: processes.ts (`taco` as a real process, the process table),
 * sandbox.ts (a case's folders and the five checks every case makes), tiny-data.ts (small inputs).
 */
export * from './processes';
export * from './sandbox';
export * from './tiny-data';
