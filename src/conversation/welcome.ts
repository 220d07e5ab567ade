import type { Turn } from "./turn.js";

/** The first hello: what the bot does, with registration offered (never forced). */
export function sayWelcome(turn: Turn): void {
  turn.say(
    "conversation:welcome",
    undefined,
    turn.contact.registeredAt
      ? undefined
      : [
          { label: turn.t("conversation:buttons.register"), payload: "cmd:register" },
          { label: turn.t("conversation:buttons.menu"), payload: "cmd:menu" },
        ],
  );
}
