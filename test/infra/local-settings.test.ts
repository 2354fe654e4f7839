/** The local stack's settings (infra/local/settings.ts): the handler threads. */
import os from 'node:os';

import { readSettings } from '../../infra/local/settings';

describe('HANDLER_THREADS', () => {
  it('defaults to one core less than the machine has, 1 to 4', () => {
    const expected = Math.max(1, Math.min(4, os.availableParallelism() - 1));
    expect(readSettings({}, []).handlerThreads).toBe(expected);
    expect(readSettings({ HANDLER_THREADS: '' }, []).handlerThreads).toBe(expected);
  });

  it('takes 0 (the functions in the main thread) and a whole number up to 64', () => {
    expect(readSettings({ HANDLER_THREADS: '0' }, []).handlerThreads).toBe(0);
    expect(readSettings({ HANDLER_THREADS: '64' }, []).handlerThreads).toBe(64);
  });

  it.each(['-1', '65', '2.5', 'two'])('refuses %s, naming the variable', (value) => {
    expect(() => readSettings({ HANDLER_THREADS: value }, [])).toThrow(
      `HANDLER_THREADS must be a whole number from 0 to 64, got "${value}"`,
    );
  });
});
