import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

/** `{ name: ['name should not be empty'], 'items.0.sku': [...] }` */
export type FieldErrors = Record<string, string[]>;

function collect(errors: ValidationError[], prefix: string, into: FieldErrors): FieldErrors {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) into[field] = Object.values(error.constraints);
    if (error.children?.length) collect(error.children, field, into);
  }
  return into;
}

/**
 * With `transform`, Nest's pipe also converts path and query values to the
 * handler's parameter type with Number(), before the parameter's own pipe
 * runs: `/products/0x10` reached ParseIdPipe as 16. Path and query values are
 * left as strings for their own, strict pipes.
 */
class DemoValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, _metadata: ArgumentMetadata): unknown {
    return value;
  }
}

/**
 * whitelist + forbidNonWhitelisted: a body carrying `tenantId` (or any field
 * the DTO does not declare) is a 400, not silently dropped, so a client that
 * tries to choose its tenant through the body learns that it cannot.
 */
export function createValidationPipe(): ValidationPipe {
  return new DemoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        fields: collect(errors, '', {}),
      }),
  });
}
