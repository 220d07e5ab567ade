CREATE TABLE "outbox_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "child_code_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"contact_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "child_link_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"child_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by_contact_id" uuid,
	"decided_by_account_id" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "child_link_requests_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "growth_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "faq_backlog" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"normalized" text NOT NULL,
	"question" text NOT NULL,
	"lang" text,
	"reason" text NOT NULL,
	"topics" jsonb NOT NULL,
	"confidence" real NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "faq_backlog_normalized_unique" UNIQUE("normalized")
);
--> statement-breakpoint
CREATE TABLE "faq_topic_days" (
	"day" date NOT NULL,
	"topic" text NOT NULL,
	"lang" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "faq_topic_days_day_topic_lang_pk" PRIMARY KEY("day","topic","lang")
);
--> statement-breakpoint
CREATE TABLE "desa_lokus" (
	"desa_code" text PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"decree" text,
	"marked_by" uuid,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "lane" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "lang" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "last_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "forget_after_send" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "children" ADD COLUMN "nik_hash" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "priority" text DEFAULT 'routine' NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "child_code_attempts" ADD CONSTRAINT "child_code_attempts_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_link_requests" ADD CONSTRAINT "child_link_requests_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_link_requests" ADD CONSTRAINT "child_link_requests_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_link_requests" ADD CONSTRAINT "child_link_requests_decided_by_contact_id_contacts_id_fk" FOREIGN KEY ("decided_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "growth_settings" ADD CONSTRAINT "growth_settings_updated_by_staff_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "desa_lokus" ADD CONSTRAINT "desa_lokus_desa_code_areas_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "desa_lokus" ADD CONSTRAINT "desa_lokus_marked_by_staff_accounts_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."staff_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "child_code_attempts_contact_idx" ON "child_code_attempts" USING btree ("contact_id","at");--> statement-breakpoint
CREATE INDEX "child_link_requests_child_idx" ON "child_link_requests" USING btree ("child_id","status");--> statement-breakpoint
CREATE INDEX "child_link_requests_contact_idx" ON "child_link_requests" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "faq_backlog_last_at" ON "faq_backlog" USING btree ("last_at");--> statement-breakpoint
CREATE INDEX "outbox_queue_idx" ON "outbox" USING btree ("channel","lane","id") WHERE "outbox"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "children_nik_hash_idx" ON "children" USING btree ("nik_hash");--> statement-breakpoint
ALTER TABLE "reminder_plans" DROP COLUMN "hb_low";