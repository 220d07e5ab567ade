// The engine's settings, read from the configuration once: pacing per channel, the poll and
// lease times, and how transient failures are retried.
import type { Config } from "../../config/index.js";
import type { ChannelName } from "../channel.js";
import type { ChannelPacing } from "../pacing.js";

export interface EngineSettings {
  pacing: Partial<Record<ChannelName, ChannelPacing>>;
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** The engine's monotonic clock in ms (default performance.now); tests move it to stand for a stalled event loop. */
  monotonic?: () => number;
}

/** Pacing and engine settings from the configuration. */
export function engineSettings(config: Config): EngineSettings {
  // A request leaves a little later than it was paced when the event loop is busy; the next one
  // may then reach the provider less than one interval after it. The headroom absorbs that.
  const paced = (limit: number) => limit * (1 - config.OUTBOUND_HEADROOM);
  return {
    pacing: {
      telegram: {
        perSecond: paced(config.OUTBOUND_TELEGRAM_PER_SECOND),
        perRecipientPerSecond: config.OUTBOUND_TELEGRAM_PER_CHAT_PER_SECOND,
      },
      "whatsapp-cloud": {
        perSecond: paced(config.OUTBOUND_WA_CLOUD_PER_SECOND),
        uniqueOutsideWindowPer24h: config.OUTBOUND_WA_CLOUD_TIER || undefined,
        bulkShare: config.OUTBOUND_WA_CLOUD_BULK_SHARE,
      },
      whatsapp: {
        caps: [
          { limit: config.OUTBOUND_BAILEYS_PER_MINUTE, windowMs: 60_000 },
          { limit: config.OUTBOUND_BAILEYS_PER_HOUR, windowMs: 3_600_000 },
          { limit: config.OUTBOUND_BAILEYS_PER_DAY, windowMs: 86_400_000 },
        ],
        jitterMs: config.OUTBOUND_BAILEYS_JITTER_MS,
      },
      web: {},
    },
    pollMs: config.OUTBOUND_POLL_MS,
    leaseMs: config.OUTBOUND_LEASE_MS,
    retryBaseMs: config.OUTBOUND_RETRY_BASE_MS,
    retryMaxMs: config.OUTBOUND_RETRY_MAX_MS,
    maxAttempts: config.OUTBOUND_MAX_ATTEMPTS,
  };
}
