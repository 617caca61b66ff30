/** The option equal to `value`, or undefined: reads a <select>'s value without a cast. */
export function oneOf<T extends string>(options: readonly T[], value: string): T | undefined {
  return options.find((option) => option === value);
}
