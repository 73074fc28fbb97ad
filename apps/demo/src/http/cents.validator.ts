import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * At most two decimal places. class-validator's own `maxDecimalPlaces` reads
 * the digits after a '.' in String(value) and throws on exponent forms such
 * as -7e-7 (a 500); counting in cents has no such form.
 */
export function IsCents(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCents',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6,
        defaultMessage: () => '$property must have at most two decimal places',
      },
    },
    options,
  );
}
