// The reminder tick, every minute on node-cron: plan what became due, send what is due. With
// nothing due it is two index look-ups (reminder_plans_next_due_idx, reminder_fires_due_idx).
import type { ChannelHub } from "../channels/hub.js";
import type { Job } from "../jobs/index.js";
import { reminderTick } from "./dispatch.js";

export function reminderJob(hub: ChannelHub): Job {
  return {
    name: "reminders",
    schedule: "* * * * *",
    run: (rt) => reminderTick(rt, hub),
  };
}
