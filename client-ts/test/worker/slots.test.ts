import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/worker/slots.js';

describe('Slots', () => {
  it('takes at most what is free, then nothing', () => {
    const slots = new Slots(5);
    expect(slots.take(3)).toBe(3);
    expect(slots.take(3)).toBe(2);
    expect(slots.take(3)).toBe(0);
    expect(slots.free).toBe(0);
    slots.release(2);
    expect(slots.free).toBe(2);
    expect(slots.take(10)).toBe(2);
  });

  it('freed() waits for a release, and every waiter wakes', async () => {
    const slots = new Slots(1);
    slots.take(1);
    const woke: number[] = [];
    const a = slots.freed().then(() => woke.push(1));
    const b = slots.freed().then(() => woke.push(2));
    await Promise.resolve();
    expect(woke).toEqual([]);
    slots.release(1);
    await Promise.all([a, b]);
    expect(woke).toEqual([1, 2]);
  });

  it('a release of 0 wakes waiters too (they take again and may find none)', async () => {
    const slots = new Slots(0);
    const waiting = slots.freed();
    slots.release(0);
    await waiting;
    expect(slots.take(1)).toBe(0);
  });

  it('close() wakes the waiters, and freed() no longer waits', async () => {
    const slots = new Slots(0);
    const waiting = slots.freed();
    slots.close();
    await waiting;
    await slots.freed();
  });
});
