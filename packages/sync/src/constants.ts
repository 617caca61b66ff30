/** Timings and sizes of the sync layer, each once, with its unit. */

/** How often a session announces itself on the relay topic (also keeps the socket alive). */
export const RELAY_HEARTBEAT_MS = 5_000;
/** A relay peer not heard from for this long is considered gone. */
export const PRESENCE_TIMEOUT_MS = 15_000;
/** First reconnect delay after the relay socket drops; doubles up to the max, with jitter. */
export const RECONNECT_BASE_MS = 250;
export const RECONNECT_MAX_MS = 10_000;
/** After this many failed attempts in a row, the status says `offline` instead of `connecting`. */
export const OFFLINE_AFTER_FAILED_ATTEMPTS = 2;
/** Largest base64 text accepted from the relay before anything is decoded (≈ 1 MiB sealed). */
export const MAX_RELAY_DATA_CHARS = 1_400_000;
/** How long to wait for the relay's /config before going on without ICE servers. */
export const CONFIG_TIMEOUT_MS = 3_000;
/** How long opening a local database may take before it is reported as failed. */
export const STORAGE_OPEN_TIMEOUT_MS = 5_000;
/** How often the P2P connection count is re-read (y-webrtc has no connect event on the provider). */
export const P2P_POLL_MS = 1_000;
/**
 * Largest Yjs message sent over the relay. The relay's frame limit (1 MiB of JSON text)
 * must hold it after sealing (+42 bytes) and base64 (×4/3) with room for the envelope.
 */
export const MAX_RELAY_PAYLOAD_BYTES = 700 * 1024;
/** How often a destroyed bilan's tombstone is re-announced while a beacon runs. */
export const TOMBSTONE_ANNOUNCE_MS = 30_000;
/** Size of each sealed chunk of a personal copy (under the sealed-message limit). */
export const PERSONAL_COPY_CHUNK_BYTES = 512 * 1024;
/** How many of its own recent publishes a session remembers, to drop their echoes unopened. */
export const RECENT_ECHOES = 64;
/**
 * Least time between two answers to Hellos, and between two answers to sync step 1s.
 * Anyone on the relay topic can replay those requests; requests made meanwhile are
 * merged into one answer, so a replay flood costs a few publishes a second.
 */
export const ANSWER_INTERVAL_MS = 500;
/**
 * An update from the network that needs what the document does not hold yet (a delete
 * before the insert it deletes, an edit before the one it follows: frames overtaking each
 * other) waits in memory this long for it, then is dropped, counted, and a sync is asked for.
 */
export const HELD_UPDATE_MS = 10_000;
/** At most this many such updates wait at once (the oldest is dropped first)… */
export const MAX_HELD_UPDATES = 128;
/** …and at most this many bytes of them. */
export const MAX_HELD_BYTES = 1024 * 1024;

/**
 * How long a device keeps announcing a key rotation on the retired key's topic (while
 * Tandem runs on it), so an admitted device that was away still moves to the new key.
 */
export const ROTATION_ANNOUNCE_MS = 180 * 24 * 3_600_000;
