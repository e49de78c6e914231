// The flow channels a client listens to, shared by its run handles: one
// LISTEN and one subscription (pgflow.subscribe) per flow and postgres.js
// client, kept a few seconds after the last handle closed, so that a run
// started next does not wait for a LISTEN, a subscription and an UNLISTEN.
// Each notification is parsed once and handed to the handles of its run.
import type { Sql } from 'postgres';
import { isConnectionLost } from '../pg-errors.js';
import type { FlowEvent } from './types.js';

/** How long a subscription to a flow's notifications lasts (renewed at half of it, and after each reconnect). */
export const SUBSCRIPTION_TTL_S = 120;
/** How long a flow's channel stays listened after its last handle closed. */
const LINGER_MS = 5_000;

/** A run handle, as the channel sees it. */
export interface ChannelMember {
  readonly runId: string;
  onEvent(event: FlowEvent): void;
}

class FlowChannel {
  readonly members = new Map<string, Set<ChannelMember>>();
  ready!: Promise<void>;
  private _unlisten: (() => Promise<void>) | null = null;
  private _subscribedAt = 0;
  private _subscribing: Promise<void> | null = null;
  private _linger: NodeJS.Timeout | null = null;

  constructor(
    private readonly sql: Sql,
    readonly slug: string,
    private readonly forget: () => void,
  ) {}

  /** LISTEN (tried again just after a lost connection), then subscribe; again after each reconnect. */
  async open(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // postgres.js quotes the channel, so a mixed-case flow slug is its own channel.
        // onlisten runs each time the LISTEN is in place: at first and after a reconnect.
        let first = true;
        const { unlisten } = await this.sql.listen(
          this.slug,
          (message) => this._dispatch(message),
          () => {
            if (first) return void (first = false);
            this._subscribedAt = 0; // the server may have lost its (unlogged) subscriptions
            void this.renew().catch(() => {});
          },
        );
        this._unlisten = unlisten;
        await this.renew();
        return;
      } catch (err) {
        if (!isConnectionLost(err) || attempt === 5) throw err;
        await forgetFailedListen(this.sql, this.slug);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  /**
   * Asks the database to notify the flow's channel (pgflow.subscribe): by
   * default it notifies only channels someone subscribed to. Does nothing
   * while the subscription is younger than half its life.
   */
  renew(): Promise<void> {
    if (Date.now() - this._subscribedAt <= (SUBSCRIPTION_TTL_S * 1000) / 2) return Promise.resolve();
    this._subscribing ??= (async () => {
      try {
        await this.sql`select pgflow.subscribe(${this.slug}, ${`${SUBSCRIPTION_TTL_S} seconds`}::interval)`;
        this._subscribedAt = Date.now();
      } finally {
        this._subscribing = null;
      }
    })();
    return this._subscribing;
  }

  add(member: ChannelMember): void {
    if (this._linger) clearTimeout(this._linger);
    this._linger = null;
    let set = this.members.get(member.runId);
    if (!set) this.members.set(member.runId, (set = new Set()));
    set.add(member);
  }

  /** Removes a member; once none is left, the channel is given up after LINGER_MS unless a new one comes. */
  remove(member: ChannelMember): void {
    const set = this.members.get(member.runId);
    if (!set?.delete(member)) return;
    if (set.size === 0) this.members.delete(member.runId);
    if (this.members.size > 0 || this._linger) return;
    this._linger = setTimeout(() => void this.close(), LINGER_MS);
    this._linger.unref();
  }

  /** Stops listening now (the client forgets the channel first, so the next handle opens a new one). */
  async close(): Promise<void> {
    if (this._linger) clearTimeout(this._linger);
    this._linger = null;
    this.forget();
    const unlisten = this._unlisten;
    this._unlisten = null;
    await unlisten?.().catch(() => {});
  }

  private _dispatch(message: string): void {
    let event: FlowEvent;
    try {
      event = JSON.parse(message) as FlowEvent;
    } catch {
      return;
    }
    const set = this.members.get(event?.payload?.run_id);
    if (set) for (const m of [...set]) m.onEvent(event);
  }
}

const clients = new WeakMap<Sql, Map<string, FlowChannel>>();

/**
 * Adds `member` to its flow's channel on `sql`, listening and subscribing
 * first when no handle of the flow listens yet. Resolves once events of the
 * run reach it; returns what renews the subscription and what leaves.
 */
export async function joinChannel(
  sql: Sql,
  flowSlug: string,
  member: ChannelMember,
): Promise<{ renew(): Promise<void>; leave(): void }> {
  let channels = clients.get(sql);
  if (!channels) clients.set(sql, (channels = new Map()));
  let channel = channels.get(flowSlug);
  if (!channel) {
    const created: FlowChannel = new FlowChannel(sql, flowSlug, () => {
      if (channels.get(flowSlug) === created) channels.delete(flowSlug);
    });
    channel = created;
    channels.set(flowSlug, created);
    created.ready = created.open();
    created.ready.catch(() => void created.close());
  }
  channel.add(member);
  try {
    await channel.ready;
    await channel.renew();
  } catch (err) {
    channel.remove(member);
    throw err;
  }
  const joined = channel;
  return { renew: () => joined.renew(), leave: () => joined.remove(member) };
}

/**
 * postgres.js (3.4) keeps a channel whose LISTEN failed on a dying connection,
 * and every later listen() on it gets the same error until that connection
 * closes again. Drop such an entry so that the next listen() sends LISTEN anew.
 */
async function forgetFailedListen(sql: Sql, channel: string): Promise<void> {
  const channels = (sql.listen as { channels?: Record<string, { result?: Promise<unknown> }> }).channels;
  const entry = channels?.[channel];
  if (!channels || !entry?.result) return;
  const failed = await entry.result.then(
    () => false,
    () => true,
  );
  if (failed && channels[channel] === entry) delete channels[channel];
}
