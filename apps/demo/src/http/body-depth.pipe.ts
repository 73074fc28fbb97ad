import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

/** Deeper than any DTO of the demo by far; far shallower than what overflows the stack. */
export const MAX_BODY_DEPTH = 32;

/** Nesting depth of a parsed JSON value, measured with an explicit stack: it cannot overflow itself. */
function exceedsDepth(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const [node, depth] = entry;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * class-transformer and class-validator walk a body recursively: a JSON body
 * of a few thousand nested arrays (25 KB, well under the size limit)
 * overflowed the stack inside the ValidationPipe, a 500. This pipe runs
 * first and refuses such a body with a 400.
 */
@Injectable()
export class BodyDepthPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && exceedsDepth(value, MAX_BODY_DEPTH)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        code: 'BODY_TOO_DEEP',
        message: `The JSON body is nested deeper than ${MAX_BODY_DEPTH} levels.`,
      });
    }
    return value;
  }
}
