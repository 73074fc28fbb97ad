import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Proves that each attack case in test/security fails when the protection it
 * targets is switched off: for each protection, a scratch copy of the repo
 * gets that one protection removed from the library source, the security
 * suite runs, and every case tagged with the protection must fail.
 * Run: `npm run security:mutations` (writes docs/SECURITY-MUTATIONS.md).
 */
const run = promisify(execFile);
const ROOT = process.cwd();

interface Mutation {
  protection: string;
  file: string;
  find: string;
  replace: string;
}

const MUTATIONS: Mutation[] = [
  {
    protection: 'where-filter',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'return withTenantConditions(where, whereConditions(internals(this)));',
    replace: 'return where;',
  },
  {
    protection: 'join-filter',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'join.condition = own ? `(${own}) AND ${tenant}` : tenant;',
    replace: 'void tenant;',
  },
  {
    protection: 'insert-guard',
    file: 'libs/tenancy/src/typeorm/write-guard.patch.ts',
    find: "  guardBefore(InsertQueryBuilder.prototype, 'createInsertExpression', guardInsert);",
    replace: '',
  },
  {
    protection: 'update-guard',
    file: 'libs/tenancy/src/typeorm/write-guard.patch.ts',
    find: "  guardBefore(UpdateQueryBuilder.prototype, 'createUpdateExpression', guardUpdate);",
    replace: '',
  },
  {
    protection: 'upsert-guard',
    file: 'libs/tenancy/src/typeorm/upsert-guard.ts',
    find: 'if (!conflict.includes(column.databaseName)) onUpdate.conflict = [column.databaseName, ...conflict];',
    replace: '',
  },
  {
    protection: 'clear-guard',
    file: 'libs/tenancy/src/typeorm/write-guard.patch.ts',
    find: "if (scope.kind !== 'tenant') return clear.call(this, target, ...rest);",
    replace: 'return clear.call(this, target, ...rest);',
  },
  {
    protection: 'cache-split',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'map.cacheId = `${cacheId}:tenancy:${tenantId}`;',
    replace: '',
  },
  {
    // The classic mistake: the tenant in a module variable instead of async-local storage.
    protection: 'context-async',
    file: 'libs/tenancy/src/context/tenant-store.ts',
    find: 'const cls = () => ClsServiceManager.getClsService<TenantStore>();',
    replace: `let globalStore: TenantStore | undefined;
const cls = () =>
  ({
    isActive: () => globalStore !== undefined,
    get: () => globalStore,
    set: (key: symbol, value: unknown) => Object.assign(globalStore ?? (globalStore = {} as TenantStore), { [key]: value }),
    enterWith: (store: TenantStore) => (globalStore = store),
    runWith: <T>(store: TenantStore, fn: () => T): T => {
      const saved = globalStore;
      globalStore = store;
      try {
        return fn();
      } finally {
        globalStore = saved;
      }
    },
  }) as unknown as ReturnType<typeof ClsServiceManager.getClsService<TenantStore>>;`,
  },
  {
    // Sharing the caller's store instead of copy-on-write.
    protection: 'context-copy',
    file: 'libs/tenancy/src/context/tenant-store.ts',
    find: '  cls().enterWith({ ...currentStore(), ...patch } as TenantStore);',
    replace:
      '  const store = currentStore();\n  if (store) Object.assign(store, patch);\n  else cls().enterWith({ ...patch } as TenantStore);',
  },
  {
    protection: 'fail-closed',
    file: 'libs/tenancy/src/typeorm/tenant-scope.ts',
    find: "if (tenancyOptionsFor(dataSource).onMissingTenant === 'unfiltered') return { kind: 'unfiltered' };",
    replace: "return { kind: 'unfiltered' };",
  },
  {
    protection: 'id-validation',
    file: 'libs/tenancy/src/context/tenant-id.ts',
    find: "if (typeof tenantId !== 'string' || !pattern.test(tenantId)) {",
    replace: "if (typeof tenantId !== 'string') {",
  },
  // HTTP protections (test/security/http-attacks.spec.ts).
  {
    // Reading the claims without checking signature, algorithm, exp, iss or aud: what a hand-rolled "decode" does.
    protection: 'jwt-verify',
    file: 'libs/tenancy/src/http/resolvers/jwt.resolver.ts',
    find: '({ payload } = await jwtVerify(token, this.key.key, this.verifyOptions));',
    replace: "payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;",
  },
  {
    // The header obeyed even when the verified token does not grant that tenant.
    protection: 'token-grant',
    file: 'libs/tenancy/src/http/tenant-access.service.ts',
    find: "if (resolved.outsideGrant) throw tenantForbidden('the credentials do not grant it');",
    replace: '',
  },
  {
    protection: 'bypass-authorisation',
    file: 'libs/tenancy/src/http/tenant-access.service.ts',
    find: 'if (!canBypass || (await canBypass(ctx)) !== true) throw bypassForbidden();',
    replace: 'void ctx;',
  },
  {
    // validateTenant never consulted: any well-formed id is a tenant.
    protection: 'tenant-validation',
    file: 'libs/tenancy/src/http/tenant-access.service.ts',
    find: 'if (!(await this.validator.isValid(tenantId, { request, principal }))) throw tenantUnknown();',
    replace: '',
  },
  {
    // Two sources naming different tenants: the last one silently wins.
    protection: 'source-conflict',
    file: 'libs/tenancy/src/http/tenant-resolution.ts',
    find: "if (tenantId !== undefined && id !== tenantId) throw tenantForbidden('the request names more than one tenant');",
    replace: '',
  },
  {
    // The guard writes the tenant into whatever CLS store is active, even one left over from the
    // previous request on the same connection, instead of a store of the request's own.
    protection: 'request-context',
    file: 'libs/tenancy/src/http/request-context.ts',
    find: 'const owner: unknown = store[CLS_REQ];',
    replace: 'return store;',
  },
  {
    // Citus keys (test/security/citus-attacks.spec.ts): references to scoped rows no longer get
    // the current tenant, so one naming another tenant's row reaches the database.
    protection: 'citus-reference-stamp',
    file: 'libs/tenancy/src/citus/citus-keys.apply.ts',
    find: '  if (!subscribers.some((subscriber) => subscriber instanceof CitusRelationSubscriber)) subscribers.push(new CitusRelationSubscriber());',
    replace: '',
  },
];

interface Result {
  testResults: Array<{ assertionResults: Array<{ fullName: string; title: string; status: string }> }>;
}

async function runSuite(dir: string): Promise<Map<string, string>> {
  const out = join(dir, 'vitest.json');
  await run('npx', ['vitest', 'run', 'test/security', '--reporter=json', `--outputFile=${out}`], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  }).catch(() => undefined);
  const report = JSON.parse(await readFile(out, 'utf8')) as Result;
  const statuses = new Map<string, string>();
  for (const file of report.testResults) for (const test of file.assertionResults) statuses.set(test.fullName, test.status);
  return statuses;
}

async function main() {
  const scratch = await mkdtemp(join(tmpdir(), 'tenancy-mutations-'));
  const rows: string[] = [];
  let missed = 0;
  try {
    for (const mutation of MUTATIONS) {
      const dir = join(scratch, mutation.protection);
      await cp(ROOT, dir, { recursive: true, filter: (src) => !/\/(node_modules|dist|\.git|\.tmp)(\/|$)/.test(src) });
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const path = join(dir, mutation.file);
      const source = await readFile(path, 'utf8');
      if (!source.includes(mutation.find)) throw new Error(`mutation "${mutation.protection}" no longer matches ${mutation.file}`);
      await writeFile(path, source.replace(mutation.find, mutation.replace));
      const statuses = await runSuite(dir);
      const tagged = [...statuses].filter(([name]) => name.includes(`[${mutation.protection}]`));
      const caught = tagged.filter(([, status]) => status === 'failed').length;
      missed += tagged.length - caught;
      const failedOverall = [...statuses.values()].filter((s) => s === 'failed').length;
      rows.push(`| ${mutation.protection} | \`${mutation.file}\` | ${tagged.length} | ${caught} | ${failedOverall} |`);
      for (const [name, status] of tagged) if (status !== 'failed') console.error(`NOT CAUGHT under ${mutation.protection}: ${name}`);
      console.log(rows.at(-1));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const report = `# Security mutation check

Command: \`npm run security:mutations\`. For each protection, a scratch copy of the repository
has that one protection removed from the library, then \`test/security\` runs. A case tagged
with the protection must fail; "cases failing in total" shows what else notices.

| protection switched off | where | cases tagged | tagged cases that failed | cases failing in total |
|---|---|---|---|---|
${rows.join('\n')}
`;
  await writeFile(join(ROOT, 'docs/SECURITY-MUTATIONS.md'), report);
  console.log(missed === 0 ? 'every tagged case failed under its mutation' : `${missed} tagged case(s) survived their mutation`);
  process.exitCode = missed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
