import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

interface Edit {
  file: string;
  find: string;
  replace: string;
}

interface Mutation extends Edit {
  protection: string;
  /** The same rule where it is enforced a second time (defence in depth): switched off together. */
  also?: Edit[];
}

const MUTATIONS: Mutation[] = [
  {
    protection: 'where-filter',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'let conditions = whereConditions(typeorm, qb);',
    replace: 'let conditions: string[] | undefined;',
  },
  {
    protection: 'join-filter',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'joins[i].condition = condition ? `(${condition}) AND ${tenant}` : tenant;',
    replace: 'void tenant;',
  },
  {
    protection: 'insert-guard',
    file: 'libs/tenancy/src/typeorm/write-guard.patch.ts',
    find: "  guardBefore(typeorm, InsertQueryBuilder.prototype, 'createInsertExpression', guardInsert);",
    replace: '',
  },
  {
    protection: 'update-guard',
    file: 'libs/tenancy/src/typeorm/write-guard.patch.ts',
    find: "  guardBefore(typeorm, UpdateQueryBuilder.prototype, 'createUpdateExpression', guardUpdate);",
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
    also: [
      {
        // The late-context check applies the same rule to subqueries built without a filter.
        file: 'libs/tenancy/src/typeorm/late-context.ts',
        find: "return getCurrentTenant() === undefined && tenancyOptionsFor(dataSource).onMissingTenant === 'unfiltered';",
        replace: 'return getCurrentTenant() === undefined;',
      },
    ],
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
    file: 'libs/tenancy/src/transport/resolvers/jwt.resolver.ts',
    find: '({ payload } = await jwtVerify(token, this.key.key, this.verifyOptions));',
    replace: "payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;",
  },
  {
    // The header obeyed even when the verified token does not grant that tenant.
    protection: 'token-grant',
    file: 'libs/tenancy/src/transport/tenant-access.service.ts',
    find: "if (resolved.outsideGrant) throw tenantForbidden('the credentials do not grant it');",
    replace: '',
  },
  {
    protection: 'bypass-authorisation',
    file: 'libs/tenancy/src/transport/tenant-access.service.ts',
    find: 'if (!canBypass || (await canBypass(ctx)) !== true) throw bypassForbidden();',
    replace: 'void ctx;',
  },
  {
    // validateTenant never consulted: any well-formed id is a tenant.
    protection: 'tenant-validation',
    file: 'libs/tenancy/src/transport/tenant-access.service.ts',
    find: 'if (!admitted) throw tenantUnknown();',
    replace: '',
  },
  {
    // Two sources naming different tenants: the last one silently wins.
    protection: 'source-conflict',
    file: 'libs/tenancy/src/transport/tenant-resolution.ts',
    find: "if (this.tenantId !== undefined && id !== this.tenantId) throw tenantForbidden('the request names more than one tenant');",
    replace: '',
  },
  {
    // The guard writes the tenant into whatever CLS store is active, even one left over from the
    // previous request on the same connection, instead of a store of the request's own.
    protection: 'request-context',
    file: 'libs/tenancy/src/transport/request-context.ts',
    find: 'const owner: unknown = store[CLS_REQ];',
    replace: 'return store;',
  },
  // Bind-time and schema-naming protections (test/security/bind-attacks, shape-attacks, schema-naming-*).
  {
    // Schema options where a tenant id names the shared schema (tenant_common) or a reserved one.
    protection: 'shared-schema-config',
    file: 'libs/tenancy/src/schema/tenant-schema-name.ts',
    find: 'export function assertSchemaNaming(naming: SchemaNaming): void {',
    replace: 'export function assertSchemaNaming(naming: SchemaNaming): void {\n  if (naming) return;',
  },
  {
    // The name mapping lets a tenant id name the shared schema or a reserved one.
    protection: 'shared-schema-name',
    file: 'libs/tenancy/src/schema/tenant-schema-name.ts',
    find: "return schema !== naming.sharedSchema && !schema.startsWith('pg_') && !RESERVED_SCHEMAS.includes(schema);",
    replace: 'return schema.length > 0;',
  },
  {
    // A scoped single-table-inheritance child under an unscoped parent is accepted.
    protection: 'sti-scoping',
    file: 'libs/tenancy/src/typeorm/scoped-entity-shapes.ts',
    find: 'if (parent && isTenantScoped(parent) !== isTenantScoped(metadata)) {',
    replace: 'if (parent && false) {',
  },
  {
    // An unscoped entity mapped onto a scoped entity's table is accepted.
    protection: 'shared-table',
    file: 'libs/tenancy/src/typeorm/scoped-entity-shapes.ts',
    find: '    if (scoped && unscoped) {',
    replace: '    if (scoped && unscoped && false) {',
  },
  {
    // @Tree('nested-set') on a scoped entity is accepted.
    protection: 'nested-set-refusal',
    file: 'libs/tenancy/src/typeorm/scoped-entity-shapes.ts',
    find: "if (isTenantScoped(metadata) && metadata.treeType === 'nested-set') {",
    replace: 'if (false) {',
  },
  {
    // A DataSource of another typeorm copy is bound as if the library had patched it.
    protection: 'typeorm-copy',
    file: 'libs/tenancy/src/typeorm/data-source.preflight.ts',
    find: '  if (dataSource instanceof DataSource) return typeorm;',
    replace: '  return typeorm;',
  },
  {
    protection: 'typeorm-version',
    // Any typeorm version gets an adapter (the 1.x one) instead of a refusal.
    file: 'libs/tenancy/src/typeorm/adapter/typeorm-adapter.select.ts',
    find: '  if (adapter) return adapter;',
    replace: '  return adapter ?? TYPEORM_1X_ADAPTER;',
  },
  {
    // Listed internals are not checked on the classes the DataSource really uses.
    protection: 'typeorm-members',
    file: 'libs/tenancy/src/typeorm/data-source.preflight.ts',
    find: '    if (fits(actual, member.shape)) continue;',
    replace: '    continue;',
  },
  {
    protection: 'bind-canary',
    file: 'libs/tenancy/src/typeorm/data-source.preflight.ts',
    find: '  assertTenantCanary(dataSource);',
    replace: '',
  },
  {
    // Picking a tenant inside a bypass keeps the bypass: an admin loop over tenants reads and deletes all of them.
    protection: 'tenant-ends-bypass',
    file: 'libs/tenancy/src/context/tenant-store.ts',
    find: '  enterCopy({ [TENANT_CLS_KEY]: assertTenantIdInContext(tenantId), [BYPASS_CLS_KEY]: undefined });',
    replace: '  enterCopy({ [TENANT_CLS_KEY]: assertTenantIdInContext(tenantId) });',
    also: [
      {
        // The same rule for TenantContext.setTenantId, which enters the tenant under its module's settings.
        file: 'libs/tenancy/src/context/tenant-store.ts',
        find: '  enterCopy({ [SETTINGS_CLS_KEY]: settings, [TENANT_CLS_KEY]: valid, [BYPASS_CLS_KEY]: undefined });',
        replace: '  enterCopy({ [SETTINGS_CLS_KEY]: settings, [TENANT_CLS_KEY]: valid });',
      },
    ],
  },
  {
    // Trusting a remembered setting inside a transaction: a user's ROLLBACK TO SAVEPOINT brings back another context's.
    protection: 'rls-every-statement',
    file: 'libs/tenancy/src/rls/rls-query-runner.hook.ts',
    find: '    return query(sql, markParameters(parameters, assertion), useStructuredResult);',
    replace: `    const memo = internals as unknown as { rlsApplied?: string };
    const key = JSON.stringify(assertion);
    if (runner.isTransactionActive && memo.rlsApplied === key) return query(sql, parameters, useStructuredResult);
    memo.rlsApplied = runner.isTransactionActive ? key : undefined;
    return query(sql, markParameters(parameters, assertion), useStructuredResult);`,
  },
  {
    // No tenant: nothing sent, even inside a transaction block the library did not open (a user's BEGIN).
    protection: 'rls-cleared-in-block',
    file: 'libs/tenancy/src/rls/rls-client.hook.ts',
    find: 'const needed = () => !assertion.onlyInTransactionBlock || !sessionIdle(this);',
    replace: 'const needed = () => !assertion.onlyInTransactionBlock;',
  },
  {
    // Requests start in whatever context the previous request left on the kept-alive connection.
    protection: 'request-starts-clean',
    file: 'libs/tenancy/src/transport/fresh-request-context.ts',
    find: '  for (const event of REQUEST_EVENTS) server.prependListener(event, enterFreshStore);',
    replace: '  void enterFreshStore;',
  },
  // Second outside round (issue 16).
  {
    // The cache key of the old validator: the subject when there is one, else one key for every caller.
    protection: 'validation-cache-key',
    file: 'libs/tenancy/src/transport/tenant-validator.ts',
    find: "if (!caller.principalVerified || typeof subject !== 'string' || subject === '') return undefined;",
    replace: 'if (caller === undefined) return undefined;',
  },
  {
    // The handler called inside the tenant's store, its Observable subscribed (and its stream read) outside it.
    protection: 'observable-context',
    file: 'libs/tenancy/src/transport/observable-context.ts',
    find: '  const cls = ClsServiceManager.getClsService();\n  return new Observable<T>((subscriber) =>',
    replace:
      '  const cls = ClsServiceManager.getClsService();\n  if (cls) return cls.runWith(store, source);\n  return new Observable<T>((subscriber) =>',
  },
  {
    // Policies on the parent only: a partition named directly obeys none.
    protection: 'rls-partitions',
    file: 'libs/tenancy/src/rls/rls-policy.ts',
    find: '    up: [...up.map(onTable), forEachPartition(table, up)],',
    replace: '    up: up.map(onTable),',
  },
  {
    protection: 'rls-partition-check',
    file: 'libs/tenancy/src/rls/rls-partitions.check.ts',
    find: 'if (rows.length === 0) return;',
    replace: 'if (rows.length >= 0) return;',
  },
  {
    // A failing sink logged and the bypass run anyway (the old recordAudit).
    protection: 'audit-fail-closed',
    file: 'libs/tenancy/src/context/tenant-audit.ts',
    find: '    if (!policy.allowUnaudited) throw auditUnavailable(error);',
    replace: '    if (policy.allowUnaudited === undefined) throw auditUnavailable(error);',
  },
  {
    // A DataSource that trusts whatever settings the context carries: a job's default settings loosen its module's.
    protection: 'datasource-settings',
    file: 'libs/tenancy/src/typeorm/tenant-context.check.ts',
    find: '  if (settings === undefined || currentTenantContextSettings() === settings) return;',
    replace: '  if (settings !== null) return;',
    also: [
      {
        // The same rule for an explicit tenant id written under a bypass.
        file: 'libs/tenancy/src/typeorm/tenant-stamp.ts',
        find: '          if (scope.tenantIdPattern) assertValidTenantId(value, scope.tenantIdPattern);',
        replace: '',
      },
    ],
  },
  {
    protection: 'rls-bypass-guard',
    file: 'libs/tenancy/src/rls/enable-tenant-rls.migration.ts',
    find: '  if (getCurrentTenant() !== undefined) {',
    replace: "  if (getCurrentTenant() === '\\0') {",
  },
  {
    protection: 'rls-bypass-audit',
    file: 'libs/tenancy/src/rls/enable-tenant-rls.migration.ts',
    find: "  await recordBypassAudit({ reason: 'bypassTenantRls (migration)', ...options }, settings);",
    replace: '',
  },
  {
    // Header names that differ only in case: the last one silently wins.
    protection: 'message-header-conflict',
    file: 'libs/tenancy/src/transport/message-tenant-request.ts',
    find: 'lower.set(key.toLowerCase(), [...(lower.get(key.toLowerCase()) ?? []), value]);',
    replace: 'lower.set(key.toLowerCase(), [value]);',
  },
  {
    // Any schema starting with the prefix is a tenant's.
    protection: 'schema-mark',
    file: 'libs/tenancy/src/schema/tenant-schema-mark.ts',
    find: "export const MARKED_SCHEMA = `obj_description(oid, 'pg_namespace') = '${TENANT_SCHEMA_MARK}'`;",
    replace: "export const MARKED_SCHEMA = 'true';",
  },
  {
    protection: 'closure-schema',
    file: 'libs/tenancy/src/schema/apply-schema-strategy.ts',
    find: "  if (metadata.tableType === 'closure-junction') return isTenantScoped(metadata.parentClosureEntityMetadata);",
    replace: '',
  },
  // Named tables, junction writes and late context (test/security/orm-*-attacks.spec.ts).
  {
    // A table named by a string is taken as TypeORM finds it: 'Products' or 'public.products' stay bare tables.
    protection: 'table-name-resolve',
    file: 'libs/tenancy/src/typeorm/table-reference.patch.ts',
    find: "return reference.kind === 'entity' ? reference.metadata.target : target;",
    replace: 'return target;',
  },
  {
    // Another tenant's schema, a shared copy or a database-qualified name of a tenant table is let through.
    protection: 'table-name-refuse',
    file: 'libs/tenancy/src/typeorm/table-reference.patch.ts',
    find: "if (reference.kind === 'other') continue;",
    replace: 'continue;',
  },
  {
    // RelationQueryBuilder set/add/remove trust the ids given to of() and to the call.
    protection: 'relation-ownership',
    file: 'libs/tenancy/src/typeorm/junction-guard.patch.ts',
    find: 'if (!isManyToManyAdd) await guardRelationWrite(typeorm, this, operation, value);',
    replace: 'void isManyToManyAdd;',
  },
  {
    // A junction INSERT (add(), save() of either side) links any row it is given.
    protection: 'junction-insert-guard',
    file: 'libs/tenancy/src/typeorm/junction-guard.patch.ts',
    find: 'return guardJunctionInsert(typeorm, internals(this)).then(() => execute.apply(this, args));',
    replace: 'return execute.apply(this, args);',
  },
  {
    // Junction tables read or deleted directly see every tenant's links.
    protection: 'junction-filter',
    file: 'libs/tenancy/src/typeorm/read-filter.patch.ts',
    find: 'conditions = junctionConditions(typeorm, qb, conditions);',
    replace: 'void junctionConditions;',
  },
  {
    // Junction tables get no Row-Level Security policies: raw SQL sees and writes every tenant's links.
    protection: 'junction-rls',
    file: 'libs/tenancy/src/rls/rls-tables.ts',
    find: 'return [...tables.values(), ...tenantJunctionRlsTables(dataSource)];',
    replace: 'return [...tables.values()];',
  },
  {
    // A subquery built inside a bypass carries no mark: it runs unfiltered inside whatever tenant executes it later.
    protection: 'late-context',
    file: 'libs/tenancy/src/typeorm/late-context.ts',
    find: 'export const UNFILTERED_MARK = `1 = ${UNFILTERED_REFERENCE}`;',
    replace: "export const UNFILTERED_MARK = '1 = 1';",
  },
  {
    // queryRunner.clearTable() truncates every tenant's rows from inside a tenant.
    protection: 'clear-table-guard',
    file: 'libs/tenancy/src/typeorm/clear-table.guard.ts',
    find: 'if (!guardedClasses.has(runnerClass)) guardClearTable(typeorm, runnerClass);',
    replace: 'void guardClearTable;',
  },
  {
    // Under RLS, EXPLAIN (ANALYZE) inside a tenant reports how many rows the policies hid.
    protection: 'explain-guard',
    file: 'libs/tenancy/src/rls/install-tenant-rls.ts',
    find: 'refuseExplainInTenant(runner);',
    replace: '',
  },
  {
    // The check at load: a row of another tenant that a filter gap let through reaches the app.
    protection: 'load-check',
    file: 'libs/tenancy/src/typeorm/load-check.ts',
    find: 'if (value === tenantId || value === undefined) continue;',
    replace: 'if (value !== null) continue;',
  },
  {
    // A hybrid app's message handlers (test/security/transport-attacks.spec.ts): the module no longer
    // puts its interceptor on them, and Nest gives them none of the app's global enhancers.
    protection: 'message-handler-interceptor',
    file: 'libs/tenancy/src/nest/tenant-interceptor.binder.ts',
    find: 'if (Reflect.getMetadata(PATTERN_METADATA, method) !== undefined) this.put(method, interceptorsOf(method), onClass);',
    replace: 'void method;',
  },
  {
    // A handler of an unknown transport (test/security/transport-attacks.spec.ts): its first argument,
    // a GraphQL parent object say, is read as an HTTP request again.
    protection: 'unknown-context-refused',
    file: 'libs/tenancy/src/transport/tenant.interceptor.ts',
    find: '        throw new TenancyConfigurationError(\n          null,',
    replace: '        return httpTenantRequest(context.getArgByIndex(0));\n        throw new TenancyConfigurationError(\n          null,',
  },
  {
    // Citus keys (test/security/citus-attacks.spec.ts): references to scoped rows no longer get
    // the current tenant, so one naming another tenant's row reaches the database.
    protection: 'citus-reference-stamp',
    file: 'libs/tenancy/src/citus/citus-keys.apply.ts',
    find: '    subscribers.push(new CitusRelationSubscriber(dataSource));',
    // Still the if's body (prettier wrapped it), so nothing after it moves under the if.
    replace: '    void 0;',
  },
];

interface Result {
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{
      fullName: string;
      title: string;
      status: string;
    }>;
  }>;
}

/** The bind-time preflight refused the suite's app: the mutation was caught before any case could run. */
const REFUSED_AT_START = /TenancyConfigurationError|cannot protect this DataSource/;

/**
 * The security spec files that tag cases with `protection`: only they can
 * catch its mutation, and running just them keeps one mutation to a minute
 * instead of the whole catalogue's several.
 */
async function taggedFiles(dir: string, protection: string): Promise<string[]> {
  const files = (await readdir(join(dir, 'test/security'))).filter((name) => name.endsWith('.spec.ts'));
  const tagged = [];
  for (const name of files) {
    const text = await readFile(join(dir, 'test/security', name), 'utf8');
    if (text.includes(`'${protection}'`) || text.includes(`[${protection}]`)) tagged.push(`test/security/${name}`);
  }
  return tagged;
}

async function runSuite(dir: string, files: string[]): Promise<Map<string, string>> {
  const out = join(dir, 'vitest.json');
  // The default reporter too: a suite whose app refused to start reports the error only there.
  const output = await run('npx', ['vitest', 'run', ...files, '--reporter=json', `--outputFile=${out}`, '--reporter=default'], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  })
    .then(
      ({ stdout, stderr }) => `${stdout}${stderr}`,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    )
    // eslint-disable-next-line no-control-regex -- colour codes, should a reporter print them anyway
    .then((text) => text.replace(/\u001b\[[0-9;]*m/g, ''));
  const report = JSON.parse(await readFile(out, 'utf8')) as Result;
  const statuses = new Map<string, string>();
  for (const file of report.testResults) {
    const failedHere = output.includes(`FAIL  ${relative(dir, file.name)}`);
    const refused = file.status === 'failed' && failedHere && REFUSED_AT_START.test(`${file.message ?? ''}${output}`);
    for (const test of file.assertionResults)
      statuses.set(test.fullName, refused && (test.status === 'skipped' || test.status === 'pending') ? 'refused' : test.status);
  }
  return statuses;
}

const REPORT = 'docs/SECURITY-MUTATIONS.md';

/** A subset run keeps the other protections' rows of the last report, in the list's order. */
async function mergedRows(rows: string[], only: string[]): Promise<string[]> {
  if (only.length === 0) return rows;
  const protectionOf = (row: string) => row.split('|')[1]?.trim();
  const previous = (await readFile(join(ROOT, REPORT), 'utf8').catch(() => '')).split('\n').filter((line) => /^\| [a-z]/.test(line));
  const byProtection = new Map([...previous, ...rows].map((row) => [protectionOf(row), row]));
  return MUTATIONS.map((m) => byProtection.get(m.protection)).filter((row): row is string => row !== undefined);
}

async function main() {
  const scratch = await mkdtemp(join(tmpdir(), 'tenancy-mutations-'));
  const rows: string[] = [];
  let missed = 0;
  // `npm run security:mutations -- where-filter join-filter` checks only those protections.
  const only = process.argv.slice(2);
  try {
    for (const mutation of MUTATIONS.filter((m) => only.length === 0 || only.includes(m.protection))) {
      const dir = join(scratch, mutation.protection);
      await cp(ROOT, dir, {
        recursive: true,
        filter: (src) => !/\/(node_modules|dist|\.git|\.tmp)(\/|$)/.test(src),
      });
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      for (const edit of [mutation, ...(mutation.also ?? [])]) {
        const path = join(dir, edit.file);
        const source = await readFile(path, 'utf8');
        if (!source.includes(edit.find)) throw new Error(`mutation "${mutation.protection}" no longer matches ${edit.file}`);
        await writeFile(path, source.replace(edit.find, edit.replace));
      }
      const files = await taggedFiles(dir, mutation.protection);
      if (files.length === 0) throw new Error(`mutation "${mutation.protection}" has no tagged case in test/security`);
      const statuses = await runSuite(dir, files);
      const tagged = [...statuses].filter(([name]) => name.includes(`[${mutation.protection}]`));
      const caught = tagged.filter(([, status]) => status === 'failed' || status === 'refused').length;
      // A protection whose cases did not run (a broken file) proves nothing: it counts as missed.
      missed += tagged.length === 0 ? 1 : tagged.length - caught;
      const failedOverall = [...statuses.values()].filter((s) => s === 'failed').length;
      rows.push(`| ${mutation.protection} | \`${mutation.file}\` | ${tagged.length} | ${caught} | ${failedOverall} |`);
      for (const [name, status] of tagged)
        if (status !== 'failed' && status !== 'refused') console.error(`NOT CAUGHT under ${mutation.protection}: ${name}`);
      console.log(rows.at(-1));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const report = `# Security mutation check

Command: \`npm run security:mutations\`. For each protection, a scratch copy of the repository
has that one protection removed from the library, then the \`test/security\` files that tag cases
with it run. A case tagged with the protection must fail, or its app must refuse to start (the
bind-time preflight noticed the mutation); "cases failing in those files" shows what else notices.

| protection switched off | where | cases tagged | tagged cases that failed | cases failing in those files |
|---|---|---|---|---|
${(await mergedRows(rows, only)).join('\n')}
`;
  await writeFile(join(ROOT, REPORT), report);
  console.log(missed === 0 ? 'every tagged case failed under its mutation' : `${missed} tagged case(s) survived their mutation`);
  process.exitCode = missed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
