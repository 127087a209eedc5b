/** TLS material for RTMPS tests: a throwaway self-signed certificate made with openssl. */
import { execFileSync } from 'child_process';
import * as path from 'path';

import { workDir } from './media';

/** A self-signed certificate and its key for `name`, valid one day, in the tests' work folder. */
export function selfSigned(name: string): { cert: string; key: string } {
  const cert = path.join(workDir(), `${name}.crt`);
  const key = path.join(workDir(), `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
    '-subj', `/CN=${name}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key };
}
