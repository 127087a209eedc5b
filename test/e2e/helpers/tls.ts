/** TLS material for RTMPS tests: a throwaway self-signed certificate made with openssl. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { workDir } from './media';

/**
 * A self-signed certificate (`name`.crt) and its key (`name`.key) for `name`,
 * valid one day, in `dir` (made if missing; default: the tests' work folder).
 */
export function selfSigned(name: string, dir: string = workDir()): { cert: string; key: string } {
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
    '-subj', `/CN=${name}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore', timeout: 60_000 });
  return { cert, key };
}
