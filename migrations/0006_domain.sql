ALTER TABLE "campaign_recipients" ADD COLUMN "unknown_outcomes" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attempted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "unknown_outcomes" smallint DEFAULT 0 NOT NULL;