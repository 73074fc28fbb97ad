import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * PostgreSQL text cannot hold U+0000 (the insert fails with 22021, a 500);
 * SQLite would store it. Refused on both, so that both dialects agree.
 */
export function HasNoNulCharacter(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasNoNulCharacter',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: () => '$property must not contain NUL characters',
      },
    },
    options,
  );
}
