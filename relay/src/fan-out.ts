/** Delivers one accepted publish to this process's subscribers of `topic`. */
export type DeliverPublish = (topic: string, publishText: string) => void;

/**
 * Carries accepted publishes to every relay process that has subscribers for the topic.
 *
 * The in-process fan-out hands them straight back to the local router. A Redis-backed one
 * would SUBSCRIBE to a channel per topic between `topicOpened` and `topicClosed`, PUBLISH in
 * `publish`, and call `deliver` for every message its subscription receives. The `clients`
 * count each process adds is then its own local subscriber count.
 */
export interface FanOut {
  /** Called once by the router, before anything else. */
  start(deliver: DeliverPublish): void;
  /** The first local subscriber of `topic` arrived. */
  topicOpened(topic: string): void;
  /** The last local subscriber of `topic` left. */
  topicClosed(topic: string): void;
  publish(topic: string, publishText: string): void;
  stop(): void;
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
