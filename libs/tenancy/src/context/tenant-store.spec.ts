import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { ClsServiceManager } from 'nestjs-cls';
import {
  assignRequestDecision,
  bypassTenantFilter,
  clearCurrentTenant,
  currentBypass,
  currentTenantContextSettings,
  getCurrentTenant,
  isTenantFilterBypassed,
  requireTenant,
  isValidTenantId,
  runWithTenant,
  runWithTenantSettings,
  setCurrentTenant,
} from './tenant-store.js';
import { DEFAULT_TENANT_CONTEXT_SETTINGS } from './tenant-context.settings.js';

describe('tenant context', () => {
  it('has no tenant outside any context', () => {
    expect(getCurrentTenant()).toBeUndefined();
    expect(() => requireTenant()).toThrow(TenantIsolationError);
  });

  it('runWithTenant sets the tenant for fn and everything it awaits', async () => {
    const seen = await runWithTenant('a', async () => {
      await sleep(1);
      return getCurrentTenant();
    });
    expect(seen).toBe('a');
    expect(getCurrentTenant()).toBeUndefined();
  });

  it('nested runWithTenant restores the outer tenant afterwards', () => {
    runWithTenant('outer', () => {
      runWithTenant('inner', () => expect(requireTenant()).toBe('inner'));
      expect(requireTenant()).toBe('outer');
    });
  });

  it('rejects ids that do not match the pattern, without echoing them', () => {
    for (const bad of ['', ' a', 'a b', "a'; DROP TABLE x;--", 'ä', 'x'.repeat(64), '-a']) {
      const attempt = () => runWithTenant(bad, () => undefined);
      expect(attempt).toThrow(expect.objectContaining({ code: 'TENANT_INVALID' }));
      expect(() => setCurrentTenant(bad)).toThrow(TenantIsolationError);
    }
    try {
      setCurrentTenant("evil'--");
    } catch (error) {
      expect((error as Error).message).not.toContain('evil');
    }
  });

  it('setCurrentTenant inside a bypass ends the bypass for the rest of that flow', async () => {
    await bypassTenantFilter(async () => {
      await Promise.resolve().then(() => {
        setCurrentTenant('a');
        expect([getCurrentTenant(), isTenantFilterBypassed()]).toEqual(['a', false]);
      });
      expect(isTenantFilterBypassed()).toBe(true);
    });
  });

  it('setCurrentTenant scopes the rest of the current flow only', async () => {
    await runWithTenant('a', async () => {
      await Promise.resolve().then(() => {
        setCurrentTenant('b');
        expect(getCurrentTenant()).toBe('b');
      });
      expect(getCurrentTenant()).toBe('a');
    });
  });

  it('two jobs started in the same tick that each call setCurrentTenant do not share a context', async () => {
    const job = async (tenantId: string, delay: number) => {
      setCurrentTenant(tenantId);
      await sleep(delay);
      return getCurrentTenant();
    };
    await runWithTenant('parent', async () => {
      const results = await Promise.all([job('a', 5), job('b', 1)]);
      expect(results).toEqual(['a', 'b']);
    });
  });

  it('clearCurrentTenant removes the tenant for the rest of the flow', () => {
    runWithTenant('a', () => {
      clearCurrentTenant();
      expect(getCurrentTenant()).toBeUndefined();
    });
  });

  it('bypassTenantFilter marks only its own callback as bypassed', async () => {
    await runWithTenant('a', async () => {
      const inside = await bypassTenantFilter(async () => {
        await sleep(1);
        return [isTenantFilterBypassed(), getCurrentTenant()];
      });
      expect(inside).toEqual([true, 'a']);
      expect(isTenantFilterBypassed()).toBe(false);
    });
  });

  it('runWithTenant inside a bypass ends the bypass for its callback', () => {
    bypassTenantFilter(() => {
      runWithTenant('b', () => expect(isTenantFilterBypassed()).toBe(false));
      expect(isTenantFilterBypassed()).toBe(true);
    });
  });

  it('a context survives a thrown error in a nested flow', async () => {
    await runWithTenant('a', async () => {
      await expect(runWithTenant('b', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(getCurrentTenant()).toBe('a');
    });
  });

  it('timers and Promise.all keep the tenant that started them', async () => {
    const seen = await runWithTenant('t', () =>
      Promise.all([
        new Promise((resolve) => setTimeout(() => resolve(getCurrentTenant()), 2)),
        new Promise((resolve) => setImmediate(() => resolve(getCurrentTenant()))),
      ]),
    );
    expect(seen).toEqual(['t', 't']);
  });

  it("a request-level tenant assigned after a request-level bypass ends the bypass in the request's store", () => {
    ClsServiceManager.getClsService().run(() => {
      assignRequestDecision(DEFAULT_TENANT_CONTEXT_SETTINGS, undefined, { reason: 'test', auditedBy: undefined });
      assignRequestDecision(DEFAULT_TENANT_CONTEXT_SETTINGS, 'a', undefined);
      expect([getCurrentTenant(), isTenantFilterBypassed()]).toEqual(['a', false]);
    });
  });
});

describe('context settings travel with the context', () => {
  const digits = { tenantIdPattern: /^[0-9]{3}$/ };

  it('outside any context: the fail-closed defaults', () => {
    expect(currentTenantContextSettings()).toBe(DEFAULT_TENANT_CONTEXT_SETTINGS);
    expect(isValidTenantId('acme')).toBe(true);
    expect(isValidTenantId('123 ')).toBe(false);
  });

  it('runWithTenantSettings applies to fn and every nested run, and ends with it', async () => {
    const seen = await runWithTenantSettings(digits, async () => {
      await sleep(1);
      return runWithTenant('123', () => [getCurrentTenant(), isValidTenantId('acme')]);
    });
    expect(seen).toEqual(['123', false]);
    expect(() => runWithTenantSettings(digits, () => runWithTenant('acme', () => undefined))).toThrow(
      expect.objectContaining({ code: 'TENANT_INVALID' }),
    );
    expect(currentTenantContextSettings()).toBe(DEFAULT_TENANT_CONTEXT_SETTINGS);
  });

  it('a tenant set under other settings must suit the new ones before it runs under them', () => {
    expect(() => runWithTenant('acme', () => runWithTenantSettings(digits, () => undefined))).toThrow(
      expect.objectContaining({ code: 'TENANT_INVALID' }),
    );
  });

  it('a bypass records which sink audited it, and none when it ran unaudited', () => {
    const sink = { record: () => undefined };
    expect(runWithTenantSettings({ audit: sink }, () => bypassTenantFilter(() => currentBypass()))).toEqual({
      reason: undefined,
      auditedBy: sink,
    });
    const failing = {
      audit: {
        record: () => {
          throw new Error('down');
        },
      },
      allowUnauditedBypass: true,
      reportAuditFailure: () => undefined,
    };
    expect(runWithTenantSettings(failing, () => bypassTenantFilter(() => currentBypass(), { reason: 'r' }))).toEqual({
      reason: 'r',
      auditedBy: undefined,
    });
  });
});
