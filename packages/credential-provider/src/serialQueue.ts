// Tail of the queue per MFA device serial: resolves when the last queued task has finished.
const tails = new Map<string, Promise<void>>();

/**
 * Runs `task` after every task queued earlier for the same serial has finished. Sessions for one
 * device are obtained one at a time, because two concurrent requests would read the same TOTP code
 * and STS accepts each code once.
 * @internal
 */
export const runForSerial = async <T>(serialNumber: string, task: () => Promise<T>): Promise<T> => {
  const previous = tails.get(serialNumber) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => finished);
  tails.set(serialNumber, tail);

  await previous;
  try {
    return await task();
  } finally {
    release();
    if (tails.get(serialNumber) === tail) {
      tails.delete(serialNumber);
    }
  }
};
