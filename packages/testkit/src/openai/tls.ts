import { generate } from 'selfsigned';

/** A certificate (and its key) that only the fake presents and only tests trust. */
export interface TestCertificate {
  keyPem: string;
  certPem: string;
}

const VALIDITY_MS = 24 * 60 * 60_000;

/**
 * A fresh self-signed certificate for 127.0.0.1 and localhost. The SDK always opens `wss://`,
 * so the fake serves TLS; a client trusts this certificate through `ca` (never by turning
 * verification off).
 */
export async function generateTestCertificate(): Promise<TestCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'fake-openai-realtime.localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}
