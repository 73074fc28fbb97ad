import fc from 'fast-check';
import type { RawRequest } from './raw-request.js';

const TENANT = { 'x-tenant-id': 'tenant_a' };

/** Values a client may put in any field: wrong types, huge and tiny numbers, NUL and other control characters. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, -0, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 0.001, '\u0000', '', ' '),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Names valid in shape, odd in content (any Unicode, now and then a NUL or a lone surrogate). */
const name = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }), weight: 1 },
);

/** Valid in shape, odd in content: these reach the database. */
const plausibleProduct: fc.Arbitrary<string> = fc
  .record(
    {
      name,
      price: fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.constantFrom(0, 1e9, 0.01, 12.5)),
      sku: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
      projectId: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 2_147_483_647 }), fc.constantFrom(1, 2)),
    },
    { requiredKeys: ['name', 'price', 'sku'] },
  )
  .map((value) => JSON.stringify(value));

const plausibleProject: fc.Arbitrary<string> = fc
  .record({ name, description: fc.oneof(fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 2_000 })) }, { requiredKeys: ['name'] })
  .map((value) => JSON.stringify(value));

/** DTO-shaped bodies (the fields the routes read, plus fields they must refuse), and anything else JSON or not. */
const body: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        name: fieldValue,
        price: fieldValue,
        sku: fc.oneof(fieldValue, fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)),
        projectId: fieldValue,
        description: fieldValue,
        tenantId: fc.constantFrom('tenant_b', 'tenant_a'),
        __proto__: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 4_000 }).map((depth) => `{"name":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"price":1,"sku":"S"}`),
  fc.bigInt().map((n) => `{"name":"n","price":1,"sku":"BIG","projectId":${n}}`),
  fc.bigInt().map((n) => `{"name":"n","price":${n}e${n % 400n},"sku":"BIG"}`),
);

/** Path ids: numbers in every notation, out of range, signs, spaces, arbitrary text. */
const pathId: fc.Arbitrary<string> = fc
  .oneof(
    fc.integer({ min: 1, max: 2_147_483_647 }).map(String),
    fc.bigInt().map(String),
    fc.double().map(String),
    fc.constantFrom('0x10', '1e3', ' 1', '+1', '01', '0', '-0', '1.0', '0b1', '0o7', 'Infinity', 'NaN', '1_000', '١'),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  )
  .map((id) => encodeURIComponent(id));

/** Header values Node's client can send: printable ASCII, any length up to a few KB. */
const headerText = (maxLength: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${maxLength}}$`));

const headers: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'x-tenant-id': fc.oneof(
      headerText(80),
      fc.constantFrom('tenant_a', 'tenant_b', 'TENANT_A', 'tenant_a ', '../tenant_b', 'tenant_a,tenant_b'),
    ),
    authorization: fc.oneof(
      headerText(500),
      headerText(2_000).map((token) => `Bearer ${token}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic dGVuYW50X2E6', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
    ),
  },
  { requiredKeys: [] },
);

/** One random request among the demo's routes. */
export const fuzzRequest: fc.Arbitrary<RawRequest> = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/products'), headers: fc.constant(TENANT), body: plausibleProduct }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/projects'), headers: fc.constant(TENANT), body: plausibleProject }),
  fc.record({
    method: fc.constant('PATCH'),
    path: fc.integer({ min: 1, max: 40 }).map((id) => `/products/${id}`),
    headers: fc.constant(TENANT),
    body: plausibleProduct,
  }),
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/products', '/projects'), headers: fc.constant(TENANT), body }),
  fc.record({ method: fc.constant('PATCH'), path: pathId.map((id) => `/products/${id}`), headers: fc.constant(TENANT), body }),
  fc.record({ method: fc.constantFrom('GET', 'DELETE'), path: pathId.map((id) => `/products/${id}`), headers: fc.constant(TENANT) }),
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/products', '/projects', '/admin/stats', '/health'), headers }),
);
