ALTER TABLE "referrals" ADD COLUMN "priority" text DEFAULT 'routine' NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "updated_at" timestamp with time zone;