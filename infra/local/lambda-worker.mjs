// One "execution environment" of the local stack's HTTP functions (lambda-pool.ts): a worker
// thread that loads TypeScript through tsx and runs the entry. Threads do not inherit the parent's
// `node --import tsx`: both of its hooks are registered here, CommonJS (the handlers load as
// CommonJS) and ESM.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

registerCjs();
registerEsm();
await import(workerData.entry);
