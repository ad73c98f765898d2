/**
 * Fastify schema validation with the protocol's request rules. Each SmartAPI route's body schema is
 * the protocol's rule schema (`REQUEST_RULES`), tagged with `x-route`; the validator compiler turns it
 * into `checkRequest(route, body)`, so the paper broker and the SDK run the very same checks. A failed
 * rule becomes a {@link RuleViolation}, which the error handler answers in the venue's envelope with
 * the venue's code (business codes: HTTP 200, `status:false`).
 *
 * The validator never replaces the body: handlers see exactly what the client sent (numbers as
 * strings or numbers, extra keys), as they did before validation was turned on.
 */
import { checkRequest, type RouteName, type RuleFailure, requestRule } from '@smartapi-ts/protocol';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

/** A request body that broke a protocol rule. */
export class RuleViolation extends Error {
  override name = 'RuleViolation';
  readonly errorcode: string;
  readonly field: string;
  /** Fastify reads these when the error reaches the error handler. */
  readonly statusCode = 400;
  readonly code = 'PAPER_RULE_VIOLATION';
  constructor(f: RuleFailure) {
    super(f.message);
    this.errorcode = f.errorcode;
    this.field = f.field;
  }
}

/** Marks the route a body schema belongs to. */
export const ROUTE_KEYWORD = 'x-route';

/** The body schema of a route for fastify (the protocol rule schema plus `x-route`), or undefined. */
export function bodySchema(name: RouteName): Record<string, unknown> | undefined {
  const rule = requestRule(name);
  return rule ? { ...rule.schema, [ROUTE_KEYWORD]: name } : undefined;
}

/** Runs a route's rules; undefined when the body passes. */
export function violation(name: RouteName, body: unknown): RuleViolation | undefined {
  const r = checkRequest(name, body);
  return r.ok ? undefined : new RuleViolation(r);
}

/**
 * The validator compiler: bodies of SmartAPI routes are checked with the protocol rules; any other
 * schema (path parameters, the Portfolio API, docs routes) is descriptive only.
 */
export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const route = (schema as Record<string, unknown>)[ROUTE_KEYWORD];
  if (httpPart === 'body' && typeof route === 'string') {
    const name = route as RouteName;
    return (data: unknown) => {
      const v = violation(name, data);
      return v ? { error: v } : true;
    };
  }
  return () => true;
};
