/**
 * Open live-event streams (SSE), by principal: at most `perPrincipal` each, and
 * each one closed when its principal loses access or changes (disabled,
 * demoted, re-scoped, signed out, token revoked). A closed stream's client
 * reconnects, and is then judged like any new request.
 */
import type { ServerResponse } from 'node:http';
import { type Actor, actorLabel } from '@stockroom/core';
import type { Principal } from './session.js';

interface OpenStream {
  token: string;
  actor: Actor;
  response: ServerResponse;
}

export interface LiveStreams {
  /** Count a stream that is opening; false when its principal already has the most allowed. */
  open(stream: OpenStream): boolean;
  /** Check every open stream's principal again; close those that no longer hold. */
  recheck(): Promise<void>;
  /** Streams open now (for metrics and tests). */
  size(): number;
  close(): void;
}

const sameAccess = (a: Actor, b: Actor) => JSON.stringify(a) === JSON.stringify(b);

export function createLiveStreams(options: {
  perPrincipal: number;
  resolve: (token: string) => Promise<Principal | null>;
  /** How often streams are checked even without an announced change. */
  intervalMs: number;
  onError: (error: unknown) => void;
}): LiveStreams {
  const byPrincipal = new Map<string, Set<OpenStream>>();
  let checking: Promise<void> | undefined;

  const remove = (label: string, stream: OpenStream) => {
    const set = byPrincipal.get(label);
    set?.delete(stream);
    if (set?.size === 0) byPrincipal.delete(label);
  };

  const check = async () => {
    const streams = [...byPrincipal.values()].flatMap((set) => [...set]);
    // One lookup per distinct token, however many streams share it.
    const verdicts = new Map<string, Promise<Principal | null>>();
    for (const stream of streams) {
      if (!verdicts.has(stream.token)) verdicts.set(stream.token, options.resolve(stream.token));
    }
    for (const stream of streams) {
      const now = await verdicts.get(stream.token);
      if (!now || !sameAccess(now.actor, stream.actor)) stream.response.destroy();
    }
  };

  const recheck = () => {
    // A check already running started before this change was announced: run another after it.
    const next = (checking ?? Promise.resolve()).then(check).catch(options.onError);
    checking = next;
    return next;
  };

  const timer = setInterval(() => {
    if (byPrincipal.size > 0) void recheck();
  }, options.intervalMs);
  timer.unref();

  return {
    open(stream) {
      const label = actorLabel(stream.actor);
      const set = byPrincipal.get(label) ?? new Set();
      if (set.size >= options.perPrincipal) return false;
      set.add(stream);
      byPrincipal.set(label, set);
      stream.response.once('close', () => remove(label, stream));
      return true;
    },
    recheck,
    size: () => [...byPrincipal.values()].reduce((n, set) => n + set.size, 0),
    close() {
      clearInterval(timer);
    },
  };
}
