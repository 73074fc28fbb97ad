import { describe, expect, it } from 'vitest';
import { recordAudit, type TenantAuditEvent } from './tenant-audit.js';

const event: TenantAuditEvent = { type: 'tenancy.bypass', tenantId: undefined, at: new Date() };
const down = () => new Error('audit store down');

describe('recordAudit', () => {
  it('a synchronous sink that succeeds is answered synchronously', () => {
    expect(recordAudit({ record: () => undefined }, event, false)).toBeUndefined();
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
        false,
      ),
    ).toThrow(expect.objectContaining({ code: 'TENANT_AUDIT_UNAVAILABLE', cause: error }));
  });

  it('an asynchronous sink is awaited; its rejection refuses', async () => {
    await expect(recordAudit({ record: async () => undefined }, event, false)).resolves.toBeUndefined();
    await expect(recordAudit({ record: () => Promise.reject(down()) }, event, false)).rejects.toMatchObject({
      code: 'TENANT_AUDIT_UNAVAILABLE',
    });
  });

  it('allowUnaudited logs the failure and lets the bypass proceed', async () => {
    const throwing = {
      record: () => {
        throw down();
      },
    };
    expect(recordAudit(throwing, event, true)).toBeUndefined();
    await expect(recordAudit({ record: () => Promise.reject(down()) }, event, true)).resolves.toBeUndefined();
  });
});
