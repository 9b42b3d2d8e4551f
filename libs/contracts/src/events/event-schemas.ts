/**
 * JSON Schemas (draft-07) of contract v1, compiled by the ingest service's
 * validator and published in its OpenAPI document at /docs.
 */
import { MESSAGE_KINDS, ROLES } from '../registry';
import { CHAT_AUDIENCES, CHAT_KINDS, EVENT_TYPES } from './event-types';

/** Identifiers: 1 to 128 characters of [A-Za-z0-9._:-]. */
export const IDENTIFIER_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;

export const ENVELOPE_SCHEMA = {
  $id: 'https://sferum.example/schemas/v1/cloudevent.json',
  title: 'CloudEvent envelope (contract v1)',
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'time', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 128 },
    source: { type: 'string', minLength: 1, maxLength: 256 },
    type: { enum: EVENT_TYPES },
    time: { type: 'string', description: 'RFC 3339 with an offset: when the activity happened' },
    datacontenttype: { type: 'string', maxLength: 128 },
    subject: { type: 'string', maxLength: 256 },
    dataschema: { type: 'string', maxLength: 512 },
    data: { type: 'object' },
  },
  additionalProperties: false,
} as const;

const userData = {
  type: 'object',
  required: ['userId', 'orgId', 'role'],
  properties: { userId: IDENTIFIER_SCHEMA, orgId: IDENTIFIER_SCHEMA, role: { enum: ROLES } },
  additionalProperties: false,
} as const;

export const DATA_SCHEMAS = {
  'ru.sferum.user.registered': { $id: 'https://sferum.example/schemas/v1/user.registered.json', ...userData },
  'ru.sferum.user.left': { $id: 'https://sferum.example/schemas/v1/user.left.json', ...userData },
  'ru.sferum.message.sent': {
    $id: 'https://sferum.example/schemas/v1/message.sent.json',
    type: 'object',
    required: ['userId', 'chatId', 'chatKind'],
    properties: {
      userId: IDENTIFIER_SCHEMA,
      chatId: IDENTIFIER_SCHEMA,
      chatKind: { enum: CHAT_KINDS },
      orgId: IDENTIFIER_SCHEMA,
      messageKind: { enum: MESSAGE_KINDS, default: 'text' },
    },
    additionalProperties: false,
  },
  'ru.sferum.call.joined': {
    $id: 'https://sferum.example/schemas/v1/call.joined.json',
    type: 'object',
    required: ['userId', 'callId', 'initiator'],
    properties: { userId: IDENTIFIER_SCHEMA, callId: IDENTIFIER_SCHEMA, initiator: { type: 'boolean' }, orgId: IDENTIFIER_SCHEMA },
    additionalProperties: false,
  },
  'ru.sferum.org.connected': {
    $id: 'https://sferum.example/schemas/v1/org.connected.json',
    type: 'object',
    required: ['orgId'],
    properties: { orgId: IDENTIFIER_SCHEMA },
    additionalProperties: false,
  },
  'ru.sferum.org.journal_linked': {
    $id: 'https://sferum.example/schemas/v1/org.journal_linked.json',
    description: "the school's electronic journal and diary are linked to the platform",
    type: 'object',
    required: ['orgId', 'journalSystem'],
    properties: { orgId: IDENTIFIER_SCHEMA, journalSystem: { ...IDENTIFIER_SCHEMA, description: 'which journal, for example fgis-moya-shkola (the federal one)' } },
    additionalProperties: false,
  },
  'ru.sferum.org.gov_label_granted': {
    $id: 'https://sferum.example/schemas/v1/org.gov_label_granted.json',
    description: 'the organization community page received the "government organization" label',
    type: 'object',
    required: ['orgId'],
    properties: { orgId: IDENTIFIER_SCHEMA },
    additionalProperties: false,
  },
  'ru.sferum.chat.created': {
    $id: 'https://sferum.example/schemas/v1/chat.created.json',
    description: 'a chat was created in the organization (no name, no text)',
    type: 'object',
    required: ['orgId', 'chatId', 'chatKind', 'audience', 'memberCount'],
    properties: {
      orgId: IDENTIFIER_SCHEMA,
      chatId: IDENTIFIER_SCHEMA,
      chatKind: { enum: CHAT_KINDS },
      audience: { enum: CHAT_AUDIENCES, description: 'whom the chat is for: the whole staff, one class, or other' },
      memberCount: { type: 'integer', minimum: 0, maximum: 1000000, description: 'members the chat was created with' },
    },
    additionalProperties: false,
  },
} as const;
