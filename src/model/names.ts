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

/**
 * A Secret data key: `[-._a-zA-Z0-9]+`, at most 253 characters, and not `.`, `..` or starting
 * with `..` (the kubelet keeps its own `..data` links beside the projected files).
 */
export const secretKey = z
  .string()
  .max(253, { message: 'must be at most 253 characters (a Kubernetes Secret key)' })
  .refine((v) => SECRET_KEY.test(v) && v !== '.' && !v.startsWith('..'), {
    message: 'must be a valid Secret data key (letters, digits, "-", "_" and ".", not "." or ".."-prefixed); e.g. "clientSecret"',
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

/** Characters of a decoded URL path gatewright accepts: RFC 3986 `pchar` minus those that would need quoting somewhere. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!&',;=:@/]*$/;

/**
 * An absolute URL path for matching or rewriting: starts with "/", no "..", no "//", no
 * percent-encoding and no regex or query characters, so a generated anchored regex can only
 * match what the user wrote. Only RFC 3986 path characters (`pchar`) in ASCII: a non-ASCII path
 * arrives percent-encoded, and engines compare the encoded and decoded forms differently
 * (Traefik routes on the decoded path but rewrites the encoded one).
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
  if (!PATH_CHARACTERS.test(v.replace(/[%?#\\\s()[\]{}*+^$|]/g, ''))) {
    ctx.addIssue({
      code: 'custom',
      message: 'contains characters a URL path cannot hold unencoded (such as "<", ">", a backquote, a quote or non-ASCII text); use letters, digits and "-._~!&\',;=:@/"',
    });
  }
});

/** Printable ASCII, space and tab: what an HTTP field value may carry (RFC 9110 §5.5, no obs-text). */
const FIELD_VALUE_TEXT = /^[\t\x20-\x7e]*$/;

/** Literal text in a header value (a prefix such as `"SSWS "`): no CR/LF or other controls. */
export const headerText = z.string().refine((v) => FIELD_VALUE_TEXT.test(v), {
  message: 'must be printable ASCII (a header value cannot carry line breaks, control characters or non-ASCII text)',
});

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\\`. */
export const scopeToken = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, {
  message: 'must be a scope token: printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3), e.g. "orders:read"',
});

/** Keys that would reach an object's prototype instead of becoming a key of it. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A string-to-value map from user input that cannot be weakened through the prototype: a
 * `__proto__` key (from JSON), or an object literal whose `__proto__:` entry replaced its
 * prototype, would otherwise be dropped on the way and leave, e.g., a NetworkPolicy selector
 * empty — selecting every pod.
 */
export function safeRecord<K extends z.ZodType<string>, V extends z.ZodType>(keys: K, values: V) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        ctx.addIssue({ code: 'custom', message: 'must be a plain object of keys and values (it has a "__proto__" entry or a class prototype)' });
        return;
      }
      for (const key of Object.keys(v)) {
        if (PROTOTYPE_KEYS.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" cannot be a key here; rename it` });
      }
    })
    .pipe(z.record(keys, values));
}

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
/** Schema of one of {@link HTTP_METHODS} or {@link EXPLICIT_ONLY_HTTP_METHODS}. */
export const httpMethod = z.enum([...HTTP_METHODS, ...EXPLICIT_ONLY_HTTP_METHODS]);
/** A method a route can list. */
export type HttpMethodName = z.infer<typeof httpMethod>;

/** True when `v` has no C0 control character or DEL: what any value compared by an engine needs. */
export function noControlCharacters(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(v);
}

/** A JWT claim name: non-empty text without control characters. */
export const claimName = z.string().min(1).refine(noControlCharacters, { message: 'must not contain control characters' });

/** A claim value compared for equality: text without control characters. */
export const claimValue = z.string().refine(noControlCharacters, { message: 'must not contain control characters' });
