import { describe, expect, it } from 'vitest';
import { recordAudit, type TenantAuditEvent } from './tenant-audit.js';

const event: TenantAuditEvent = { type: 'tenancy.bypass', tenantId: undefined, at: new Date() };
const down = () => new Error('audit store down');
const strict = { allowUnaudited: false, reportFailure: () => undefined };
const reported: string[] = [];
const lenient = { allowUnaudited: true, reportFailure: (message: string) => void reported.push(message) };

describe('recordAudit', () => {
  it('a synchronous sink that succeeds is answered synchronously', () => {
    expect(recordAudit({ record: () => undefined }, event, strict)).toBe('recorded');
  });

  it('a synchronous sink that throws refuses with TENANT_AUDIT_UNAVAILABLE, the cause kept', () => {
    const error = down();
    expect(() =>
      recordAudit(
        {
          record: () => {
            throw error;
          },
        },
        event,
        strict,
      ),
    ).toThrow(expect.objectContaining({ code: 'TENANT_AUDIT_UNAVAILABLE', cause: error }));
  });

  it('an asynchronous sink is awaited; its rejection refuses', async () => {
    await expect(recordAudit({ record: async () => undefined }, event, strict)).resolves.toBe('recorded');
    await expect(recordAudit({ record: () => Promise.reject(down()) }, event, strict)).rejects.toMatchObject({
      code: 'TENANT_AUDIT_UNAVAILABLE',
    });
  });

  it('allowUnaudited reports the failure and lets the bypass proceed, marked unaudited', async () => {
    const throwing = {
      record: () => {
        throw down();
      },
    };
    expect(recordAudit(throwing, event, lenient)).toBe('unaudited');
    await expect(recordAudit({ record: () => Promise.reject(down()) }, event, lenient)).resolves.toBe('unaudited');
    expect(reported).toEqual([expect.stringContaining('audit store down'), expect.stringContaining('audit store down')]);
  });
});
