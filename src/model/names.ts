import { z } from 'zod';

/**
 * Name and address grammars shared by every schema. Each refinement carries the fix in its
 * message, because zod messages are what users read.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes Secret data keys: `[-._a-zA-Z0-9]+`. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** RFC 7230 token characters, which is what an HTTP header name is. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A DNS-1123 label: the name of a Service, Namespace or generated object. */
export const dnsLabel = z
  .string()
  .refine(isDnsLabel, {
    message:
      'must be a DNS-1123 label (lowercase letters, digits and "-", start and end alphanumeric, at most 63 characters); rename it, e.g. "orders-api"',
  });

/** A DNS-1123 subdomain: the name of a Secret or ConfigMap. */
export const dnsSubdomain = z
  .string()
  .refine(isDnsSubdomain, {
    message:
      'must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".", at most 253 characters); rename it, e.g. "oauth2-client-creds"',
  });

export const secretKey = z
  .string()
  .max(253)
  .refine((v) => SECRET_KEY.test(v), {
    message: 'must be a valid Secret data key (letters, digits, "-", "_" and "."); e.g. "clientSecret"',
  });

/**
 * A host name a client or gateway resolves: lowercase DNS name with at least one dot or
 * `localhost`, no scheme, no port, no path.
 */
export const hostName = z.string().superRefine((v, ctx) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" is a URL; give the bare host name, e.g. "${safeHostOf(v)}"`,
    });
    return;
  }
  if (v.includes('/') || v.includes(':')) {
    ctx.addIssue({ code: 'custom', message: `"${v}" contains a path or port; give the bare host name` });
    return;
  }
  if (!isDnsSubdomain(v) || !v.split('.').every((l) => l.length <= 63)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" is not a DNS name; use lowercase letters, digits, "-" and ".", e.g. "api.example.com"`,
    });
  }
});

/** A host the gateway serves; `*.example.com` wildcards are allowed here only. */
export const servedHost = z.string().superRefine((v, ctx) => {
  const bare = v.startsWith('*.') ? v.slice(2) : v;
  const result = hostName.safeParse(bare);
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  }
});

function safeHostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return 'api.example.com';
  }
}

export const headerName = z
  .string()
  .min(1)
  .refine((v) => HEADER_NAME.test(v), {
    message: 'must be an HTTP header name (RFC 7230 token characters, no spaces or ":"), e.g. "X-API-Key"',
  });

/** An `https://` URL: JWKS and token endpoints must never be fetched in clear text. */
export function httpsUrl(what: string) {
  return z.string().superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${what} "${v}" is not a URL; give an absolute https:// URL` });
      return;
    }
    if (url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `${what} must use https:// (got "${url.protocol}//"); keys and tokens fetched over plain HTTP can be forged in transit`,
      });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: `${what} must not embed credentials; pass them as SecretRefs` });
    }
  });
}

/**
 * An absolute URL path for matching or rewriting: starts with "/", no "..", no "//", no
 * percent-encoding and no regex or query characters, so a generated anchored regex can only
 * match what the user wrote.
 */
export const urlPath = z.string().superRefine((v, ctx) => {
  if (!v.startsWith('/')) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not absolute; start it with "/", e.g. "/${v}"` });
    return;
  }
  if (v.split('/').some((s) => s === '..' || s === '.')) {
    ctx.addIssue({ code: 'custom', message: `"${v}" contains a "." or ".." segment; write the resolved path` });
  }
  if (v.includes('//')) {
    ctx.addIssue({ code: 'custom', message: `"${v}" contains "//"; collapse the empty segment` });
  }
  if (/[%?#\\\s]/.test(v)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" contains "%", "?", "#", "\\" or white space; give a plain decoded path` });
  }
  if (/[()[\]{}*+^$|]/.test(v)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${v}" contains regex characters; paths are literal, gatewright writes the anchored regex for you`,
    });
  }
  if (v.length > 1 && v.endsWith('/')) {
    ctx.addIssue({ code: 'custom', message: `"${v}" ends with "/"; drop the trailing slash (sub-paths are matched for you)` });
  }
});

export const port = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be between 1 and 65535' })
  .max(65535, { message: 'must be between 1 and 65535' });

/** The ordinary methods: what a route without a method list allows. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/**
 * Methods a route allows only when its method list names them. A TRACE response reflects the
 * request as the backend received it, injected credentials included, and a client must not
 * send credentials in one (RFC 9110 §9.3.8): gateways refuse it (405) unless a route lists it,
 * and never inject a credential into it even then.
 */
export const EXPLICIT_ONLY_HTTP_METHODS = ['TRACE'] as const;
export const httpMethod = z.enum([...HTTP_METHODS, ...EXPLICIT_ONLY_HTTP_METHODS]);
export type HttpMethodName = z.infer<typeof httpMethod>;
