import { Type } from 'typebox';
import { pageRequest } from '../../../marketplace/keyset.ts';
import {
  createProperty,
  getProperty,
  listProperties,
  type PropertyPatch,
  updateProperty,
} from '../../../marketplace/properties.ts';
import { defineRoute } from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { bodyFailures, json, refused, withExamples } from '../response-docs.ts';
import { apiError, TIMESTAMP } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema } from '../wire-schemas.ts';
import { OWNER, OWNER_ROLE, ownerFailures, PROPERTY_NOT_FOUND } from './owner-routes-common.ts';
import {
  IdParams,
  PageQuery,
  PROPERTY_EXAMPLE,
  PROPERTY_REQUEST,
  PropertyCreateBody,
  PropertyPatchBody,
  PropertyWire,
  pageOfWire,
  pageWire,
  propertyInputOf,
  propertyPatchOf,
  propertyWire,
} from './wire-owner.ts';

// products.md §1, owners: `GET/POST/PATCH …/properties`.

const PROPERTY = { success: true, timestamp: TIMESTAMP, data: PROPERTY_EXAMPLE };

const INVALID_PROPERTY = json('The property breaks a rule; the message says which.', ApiErrors, {
  invalidProperty: {
    summary: 'Unknown time zone',
    value: apiError(
      'invalid_property',
      'time_zone must be an IANA time zone such as America/New_York, got "Mars/Olympus"',
    ),
  },
  invalidRequest: {
    summary: 'Malformed body',
    value: apiError('invalid_request', 'latitude must be a number from -90 to 90'),
  },
});

const DOOR_NOT_FOUND = refused(
  'A gate that is not a door of your account (another account’s door is not found either).',
  'Unknown gate',
  'door_not_found',
  'no door with the id 70fc7ebd63d841d9a9f06ff815be1e7c in this account',
);

/** PATCH: the property, or a gate, is not of your account. */
const PROPERTY_OR_DOOR_NOT_FOUND = json(
  'No such property in your account, or a gate that is not a door of your account (another account’s are not found either).',
  ApiErrors,
  {
    property_not_found: {
      summary: 'Unknown property',
      value: apiError('property_not_found', 'no property with the id 5a1d3c9e7b2f4e6a8c0d1f3b5e7a9c2d'),
    },
    door_not_found: {
      summary: 'Unknown gate',
      value: apiError(
        'door_not_found',
        'no door with the id 70fc7ebd63d841d9a9f06ff815be1e7c in this account',
      ),
    },
  },
);

const PROPERTIES = {
  ...OWNER,
  name: 'properties',
  printedPath: '/oauth/v1/endpoints/properties',
};
const ONE_PROPERTY = {
  ...OWNER,
  name: 'properties/:id',
  printedPath: '/oauth/v1/endpoints/properties/{id}',
  params: IdParams,
};

export const listPropertiesRoute = defineRoute({
  ...PROPERTIES,
  method: 'GET',
  operationId: 'listProperties',
  summary: 'List properties',
  description: `The account’s properties (sites: garages, lots, driveways), keyset-paginated by id: \`limit\` (default 50, at most 200) and \`cursor\` (\`data.next_cursor\` of the previous page; null at the end). ${OWNER_ROLE}`,
  querystring: Type.Object(PageQuery),
  response: {
    200: json('A page of properties.', envelopeSchema(pageWire(PropertyWire)), {
      page: {
        summary: 'One property, the last page',
        value: {
          success: true,
          timestamp: TIMESTAMP,
          data: { items: [PROPERTY_EXAMPLE], next_cursor: null },
        },
      },
    }),
    ...ownerFailures(),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as { limit?: number; cursor?: string };
    const page = await listProperties(ctx.db, auth, pageRequest(query.limit, query.cursor));
    return reply
      .header('cache-control', 'no-store')
      .send(envelope(pageOfWire(page, propertyWire), ctx.clock.now()));
  },
});

export const createPropertyRoute = defineRoute({
  ...PROPERTIES,
  method: 'POST',
  idempotent: 'create_property',
  operationId: 'createProperty',
  summary: 'Create a property',
  description: `A new site of the account: its name, postal address, position (WGS 84), IANA \`time_zone\` (naive times of its listings are read in it) and its gates — doors of the account that a booking opens during its window (a door may be the gate of several properties). ${OWNER_ROLE}`,
  body: withExamples(PropertyCreateBody, {
    garage: { summary: 'A garage with one gate', value: PROPERTY_REQUEST },
  }),
  response: {
    201: json('The property, created.', envelopeSchema(PropertyWire), {
      created: { summary: 'Created', value: PROPERTY },
    }),
    ...ownerFailures(),
    ...bodyFailures(),
    400: INVALID_PROPERTY,
    404: DOOR_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const now = ctx.clock.now();
    const property = await createProperty(
      ctx.db,
      auth,
      propertyInputOf(request.body as Record<string, unknown>),
      now,
    );
    request.log.info(
      { event: 'property.created', accountId: auth.accountId, propertyId: property.id },
      'property created',
    );
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(envelope(propertyWire(property), now));
  },
});

export const getPropertyRoute = defineRoute({
  ...ONE_PROPERTY,
  method: 'GET',
  operationId: 'getProperty',
  summary: 'Show a property',
  description: `One property of the account. ${OWNER_ROLE}`,
  response: {
    200: json('The property.', envelopeSchema(PropertyWire), {
      property: { summary: 'A garage', value: PROPERTY },
    }),
    ...ownerFailures(),
    404: PROPERTY_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const { id } = request.params as { id: string };
    const property = await getProperty(ctx.db, auth, id);
    return reply.header('cache-control', 'no-store').send(envelope(propertyWire(property), ctx.clock.now()));
  },
});

export const updatePropertyRoute = defineRoute({
  ...ONE_PROPERTY,
  method: 'PATCH',
  operationId: 'updateProperty',
  summary: 'Change a property',
  description: `Changes the fields given; the others keep their values. \`address\`, when given, is replaced whole; \`door_ids\`, when given, replaces the gates (\`[]\`: none). Bookings already made keep their access grants; later bookings open the new gates. ${OWNER_ROLE}`,
  body: withExamples(PropertyPatchBody, {
    rename: { summary: 'Rename it', value: { name: 'Midtown Garage (39th St)' } },
    gates: { summary: 'Change the gates', value: { door_ids: ['70fc7ebd63d841d9a9f06ff815be1e7c'] } },
  }),
  response: {
    200: json('The property, changed.', envelopeSchema(PropertyWire), {
      changed: { summary: 'Changed', value: PROPERTY },
    }),
    ...ownerFailures(),
    ...bodyFailures(),
    400: INVALID_PROPERTY,
    404: PROPERTY_OR_DOOR_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const { id } = request.params as { id: string };
    const now = ctx.clock.now();
    const patch: PropertyPatch = propertyPatchOf(request.body as Record<string, unknown>);
    const property = await updateProperty(ctx.db, auth, id, patch, now);
    request.log.info(
      { event: 'property.updated', accountId: auth.accountId, propertyId: property.id },
      'property changed',
    );
    return reply.header('cache-control', 'no-store').send(envelope(propertyWire(property), now));
  },
});

export const propertiesRoutes = [
  listPropertiesRoute,
  createPropertyRoute,
  getPropertyRoute,
  updatePropertyRoute,
];
