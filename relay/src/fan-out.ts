/** Delivers one accepted publish to this process's subscribers of `topic`. */
export type DeliverPublish = (topic: string, publishText: string) => void;

/**
 * Asks every local subscriber of `topic` to reconnect: messages for it may have been lost
 * between processes, and clients resync on a fresh connection.
 */
export type ResyncTopic = (topic: string) => void;

/**
 * The fan-out has fallen behind (true: frames from other processes wait longer and longer
 * to be read) or caught up again (false). While behind, the router stops reading its own
 * sockets, so the process spends its time on the backlog instead of adding to it.
 */
export type SetBackpressure = (behind: boolean) => void;

/**
 * Carries accepted publishes to every relay process that has subscribers for the topic.
 *
 * The in-process fan-out hands them straight back to the local router. The Redis one
 * (redis-fan-out.ts) SUBSCRIBEs to the topic's channel between `topicOpened` and
 * `topicClosed` (a channel per topic, unless REDIS_SHARDS spreads topics over a few shared
 * channels), delivers locally and PUBLISHes (in batches) in `publish`, and calls `deliver`
 * for what other processes publish on topics it holds. The `clients` count each process adds
 * is then its own local subscriber count.
 */
export interface FanOut {
  /** Called once by the router, before anything else. */
  start(deliver: DeliverPublish, resync: ResyncTopic, backpressure?: SetBackpressure): void;
  /** The first local subscriber of `topic` arrived. */
  topicOpened(topic: string): void;
  /** The last local subscriber of `topic` left. */
  topicClosed(topic: string): void;
  publish(topic: string, publishText: string): void;
  stop(): void;
  /** Extra fields for `GET /healthz`, e.g. `{ redis: 'up' }`. */
  health?(): Readonly<Record<string, string | number>>;
}

/** Single-process fan-out: a publish is delivered synchronously to local subscribers. */
export const createInProcessFanOut = (): FanOut => {
  let deliver: DeliverPublish | undefined;
  return {
    start(deliverPublish) {
      deliver = deliverPublish;
    },
    topicOpened() {},
    topicClosed() {},
    publish(topic, publishText) {
      deliver?.(topic, publishText);
    },
    stop() {
      deliver = undefined;
    },
  };
};
