ALTER TABLE "contacts" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "reminder_plans" DROP COLUMN "hb_low";