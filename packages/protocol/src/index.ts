export * from './close-codes.ts';
