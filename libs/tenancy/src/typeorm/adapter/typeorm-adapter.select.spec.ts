import { describe, expect, it } from 'vitest';
import { adapterForVersion, selectTypeormAdapter, SUPPORTED_TYPEORM } from './typeorm-adapter.select.js';

describe('selectTypeormAdapter', () => {
  it('names the proven ranges', () => {
    expect(SUPPORTED_TYPEORM).toBe('^0.3.20 || ^1.1.1');
  });

  it.each(['0.3.20', '0.3.25', '0.3.31'])('typeorm %s gets the 0.3 adapter', (version) => {
    expect(adapterForVersion(version)?.line).toBe('0.3');
  });

  it.each(['1.1.1', '1.1.9', '1.4.0'])('typeorm %s gets the 1.x adapter', (version) => {
    expect(adapterForVersion(version)?.line).toBe('1.x');
  });

  it.each(['0.2.45', '0.3.19', '0.3.0', '0.4.0', '1.0.0', '1.1.0', '1.1.1-nightly.20260919', '2.0.0', 'latest', ''])(
    'typeorm %s is refused, naming the supported ranges',
    (version) => {
      expect(adapterForVersion(version)).toBeUndefined();
      expect(() => selectTypeormAdapter({ version, location: '/app/node_modules/typeorm' })).toThrow(
        `typeorm ${version} at /app/node_modules/typeorm is not supported. nestjs-tenancy supports typeorm ^0.3.20 || ^1.1.1`,
      );
    },
  );

  it('an unreadable version is told by the EntityManager: a `connection` getter only on 1.x', () => {
    class Manager1x {
      get connection() {
        return undefined;
      }
    }
    class Manager03 {}
    const unknown = { version: undefined, location: undefined };
    expect(selectTypeormAdapter(unknown, Manager1x).line).toBe('1.x');
    expect(selectTypeormAdapter(unknown, Manager03).line).toBe('0.3');
  });
});
