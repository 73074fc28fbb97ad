import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { BypassTenant } from './bypass-tenant.decorator.js';
import { TenantOptional } from './tenant-optional.decorator.js';
import { RouteModes } from './tenant-route-mode.js';

class BaseController {
  list() {}

  @BypassTenant()
  report() {}
}

@TenantOptional()
class OptionalController extends BaseController {}

class PlainController extends BaseController {}

const route = (type: object, handler: object) => ({ getClass: () => type, getHandler: () => handler }) as unknown as ExecutionContext;

describe('RouteModes', () => {
  it('a handler inherited by two controllers takes each controller mark, even once read', () => {
    const modes = new RouteModes(new Reflector());
    const { list, report } = BaseController.prototype;
    for (let i = 0; i < 2; i++) {
      expect(modes.of(route(OptionalController, list))).toBe('optional');
      expect(modes.of(route(PlainController, list))).toBe('required');
      expect(modes.of(route(OptionalController, report))).toBe('bypass');
    }
  });
});
