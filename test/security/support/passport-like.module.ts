import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';

type NextFn = () => void;

/**
 * What Passport (or any session middleware) does: authenticate the caller
 * and put the user on the request, here taken from an `x-user` header that
 * stands for a session cookie. The library never sees how the user was found.
 */
function passportLike(request: { headers: Record<string, unknown>; user?: { id: string } }, _response: unknown, next: NextFn): void {
  const user = request.headers['x-user'];
  if (typeof user === 'string') request.user = { id: user };
  next();
}

@Module({})
export class PassportLikeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(passportLike).forRoutes('*');
  }
}

/** The user Passport put on the request (Express keeps it on the request, Fastify on the raw Node request). */
export function requestUserOf(raw: unknown): string | undefined {
  const request = raw as { user?: { id?: string }; raw?: { user?: { id?: string } } } | undefined;
  return request?.user?.id ?? request?.raw?.user?.id;
}
