import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A leaf certificate and its key, PEM. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
  /** The names and addresses it is valid for, as given. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * A certificate authority that lives for one conformance run. Engines trust it the way they
 * trust any CA (Go: `SSL_CERT_FILE`), so their TLS to third-party hosts is verified for real
 * against certificates that name those hosts; nothing is told to skip verification.
 *
 * Node cannot create X.509 certificates, so the `openssl` command line does (Debian ships it).
 */
export class LocalCertificateAuthority {
  /** PEM of the CA certificate; write it where `SSL_CERT_FILE` points. */
  readonly caCert: string;
  private readonly dir: string;
  private serial = 1;

  private constructor(dir: string, caCert: string) {
    this.dir = dir;
    this.caCert = caCert;
  }

  static create(): LocalCertificateAuthority {
    const dir = mkdtempSync(join(tmpdir(), 'gw-conformance-ca-'));
    runOpenssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2',
      '-subj', '/CN=gatewright conformance CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return new LocalCertificateAuthority(dir, readFileSync(join(dir, 'ca.crt'), 'utf8'));
  }

  /**
   * A server certificate for exactly these names and addresses (at least one). Go and
   * Chromium only read the subjectAltName extension, never the common name.
   */
  issue(dnsNames: readonly string[], ipAddresses: readonly string[] = []): IssuedCertificate {
    if (dnsNames.length + ipAddresses.length === 0) throw new Error('a certificate needs at least one name or address');
    const n = this.serial++;
    const base = join(this.dir, `leaf-${n}`);
    const san = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)].join(',');
    writeFileSync(`${base}.ext`, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`);
    runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${dnsNames[0] ?? ipAddresses[0]}`]);
    runOpenssl([
      'x509', '-req', '-in', `${base}.csr`, '-CA', join(this.dir, 'ca.crt'), '-CAkey', join(this.dir, 'ca.key'),
      '-set_serial', String(1000 + n), '-days', '2', '-out', `${base}.crt`, '-extfile', `${base}.ext`,
    ]);
    return { cert: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8'), dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] };
  }

  /** Removes the key material from disk. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function runOpenssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || (err as Error).message}`);
  }
}
