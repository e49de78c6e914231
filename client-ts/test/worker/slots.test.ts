import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/worker/slots.js';

/** n start functions that record their index in `log` when called. */
const starts = (n: number, log: number[]) => Array.from({ length: n }, (_, i) => () => void log.push(i));

describe('Slots', () => {
  it('leases at most the free slots, then nothing; unfilled reservations come back', () => {
    const slots = new Slots(5);
    const a = slots.take(3);
    expect(a).toEqual({ n: 3, own: 3 });
    expect(slots.take(3)).toEqual({ n: 2, own: 2 });
    expect(slots.take(3)).toEqual({ n: 0, own: 0 });
    expect(slots.free).toBe(0);
    const ran: number[] = [];
    slots.settle(a, starts(1, ran)); // the read returned one task
    expect(ran).toEqual([0]);
    expect(slots.free).toBe(2);
    expect(slots.held).toBe(3);
  });

  it('a slot is free again when the handler ends, the task held until it ended', () => {
    const slots = new Slots(1);
    const lease = slots.take(5);
    slots.settle(lease, starts(1, []));
    expect(slots.free).toBe(0);
    slots.handlerDone();
    expect(slots.free).toBe(1);
    expect(slots.held).toBe(1);
    slots.ended();
    expect(slots.held).toBe(0);
  });

  it('reads ahead only when asked: the tasks beyond the free slots queue, and start as handlers end', () => {
    const slots = new Slots(2, 6);
    expect(slots.take(10)).toEqual({ n: 2, own: 2 }); // not ahead
    const s2 = new Slots(2, 6);
    const lease = s2.take(10, true);
    expect(lease).toEqual({ n: 6, own: 2 }); // within maxHeld
    const ran: number[] = [];
    s2.settle(lease, starts(5, ran));
    expect(ran).toEqual([0, 1]);
    expect(s2.queued).toBe(3);
    expect(s2.take(10, true)).toEqual({ n: 0, own: 0 }); // no slot free, and tasks wait already
    s2.handlerDone(); // the slot goes to the next queued task
    expect(ran).toEqual([0, 1, 2]);
    expect(s2.free).toBe(0);
    s2.handlerDone();
    s2.handlerDone();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    s2.handlerDone();
    expect(s2.free).toBe(1);
    expect(s2.held).toBe(5);
  });

  it('holds at most maxHeld tasks: results on their way count', () => {
    const slots = new Slots(2, 3);
    const a = slots.take(2);
    slots.settle(a, starts(2, []));
    slots.handlerDone();
    slots.handlerDone(); // both results on their way
    expect(slots.take(5, true)).toEqual({ n: 1, own: 1 });
  });

  it('dropQueued() forgets the queued tasks: they never start', () => {
    const slots = new Slots(1, 4);
    const ran: number[] = [];
    slots.settle(slots.take(4, true), starts(3, ran));
    expect(slots.dropQueued()).toBe(2);
    slots.handlerDone();
    expect(ran).toEqual([0]);
    expect(slots.held).toBe(1);
  });

  it('freed() waits for a slot, and every waiter wakes', async () => {
    const slots = new Slots(1);
    slots.settle(slots.take(1), starts(1, []));
    const woke: number[] = [];
    const a = slots.freed().then(() => woke.push(1));
    const b = slots.freed().then(() => woke.push(2));
    await Promise.resolve();
    expect(woke).toEqual([]);
    slots.handlerDone();
    await Promise.all([a, b]);
    expect(woke).toEqual([1, 2]);
  });

  it('close() wakes the waiters, and freed() no longer waits', async () => {
    const slots = new Slots(0);
    const waiting = slots.freed();
    slots.close();
    await waiting;
    await slots.freed();
  });
});
