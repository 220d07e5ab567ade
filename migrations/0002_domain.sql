CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "chat_link_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"contact_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_link_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"puskesmas_id" uuid,
	"desa_code" text,
	"posyandu_id" uuid,
	"password_hash" text,
	"active" boolean DEFAULT true NOT NULL,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_accounts_username_unique" UNIQUE("username"),
	CONSTRAINT "staff_accounts_area_ck" CHECK (("staff_accounts"."role" = 'pokja_admin' and "staff_accounts"."puskesmas_id" is null and "staff_accounts"."desa_code" is null and "staff_accounts"."posyandu_id" is null)
       or ("staff_accounts"."role" = 'puskesmas' and "staff_accounts"."puskesmas_id" is not null and "staff_accounts"."desa_code" is null and "staff_accounts"."posyandu_id" is null)
       or ("staff_accounts"."role" = 'bidan' and "staff_accounts"."desa_code" is not null and "staff_accounts"."puskesmas_id" is null and "staff_accounts"."posyandu_id" is null)
       or ("staff_accounts"."role" = 'kader' and "staff_accounts"."posyandu_id" is not null and "staff_accounts"."puskesmas_id" is null and "staff_accounts"."desa_code" is null))
);
--> statement-breakpoint
CREATE TABLE "staff_chat_links" (
	"account_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_chat_links_account_id_contact_id_pk" PRIMARY KEY("account_id","contact_id"),
	CONSTRAINT "staff_chat_links_contact_id_unique" UNIQUE("contact_id")
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_account_id" uuid,
	"actor_kind" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "children" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	"mother_name" text,
	"nik" text,
	"parent_contact_id" uuid,
	"parent_phone" text,
	"desa_code" text,
	"posyandu_id" uuid,
	"registered_by_contact_id" uuid,
	"reminders_stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "children_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "pregnancies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"hpht" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"hb_low" boolean DEFAULT false NOT NULL,
	"ended_on" date,
	"child_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maternal_measurements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pregnancy_id" uuid NOT NULL,
	"measured_on" date NOT NULL,
	"muac_cm" double precision,
	"hb_gdl" double precision,
	"kek" boolean DEFAULT false NOT NULL,
	"anaemia" boolean DEFAULT false NOT NULL,
	"sent_by_contact_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measurements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"child_id" uuid NOT NULL,
	"measured_on" date NOT NULL,
	"age_days" integer,
	"weight_kg" double precision,
	"length_cm" double precision,
	"position" text,
	"length_corrected_cm" double precision,
	"head_cm" double precision,
	"muac_cm" double precision,
	"oedema" boolean DEFAULT false NOT NULL,
	"zlen" double precision,
	"zwei" double precision,
	"zwfl" double precision,
	"zbmi" double precision,
	"zhc" double precision,
	"flags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status_tbu" text,
	"status_bbu" text,
	"status_bbtb" text,
	"status_imtu" text,
	"growth_code" text,
	"two_t" boolean DEFAULT false NOT NULL,
	"bgm" boolean DEFAULT false NOT NULL,
	"gain_g" integer,
	"kbm_g" integer,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confirmed_implausible" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'chat' NOT NULL,
	"sent_by_contact_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"corrected_from_id" uuid,
	"correction_reason" text
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"child_id" uuid,
	"pregnancy_id" uuid,
	"measurement_id" uuid,
	"puskesmas_id" uuid,
	"desa_code" text,
	"posyandu_id" uuid,
	"reasons" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"created_by_contact_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"outcome_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "referrals_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "handoff_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" bigserial NOT NULL,
	"contact_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"lang" text NOT NULL,
	"desa_code" text,
	"question" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"claimed_by" uuid,
	"claimed_at" timestamp with time zone,
	"answer" text,
	"answered_by" uuid,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "handoff_questions_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "faq_overrides" (
	"topic_id" text PRIMARY KEY NOT NULL,
	"section" text NOT NULL,
	"danger" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"keywords" jsonb NOT NULL,
	"examples" jsonb NOT NULL,
	"texts" jsonb NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_fires" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"rule_key" text NOT NULL,
	"occurrence" text NOT NULL,
	"follow_up" smallint DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"confirmable" boolean DEFAULT false NOT NULL,
	"message_key" text NOT NULL,
	"vars" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"due_date" date NOT NULL,
	"until_date" date NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"sent_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_fires_once_uq" UNIQUE("plan_id","rule_key","occurrence","follow_up")
);
--> statement-breakpoint
CREATE TABLE "reminder_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"programme" text NOT NULL,
	"pregnancy_id" uuid,
	"child_id" uuid,
	"anchor" date NOT NULL,
	"hb_low" boolean DEFAULT false NOT NULL,
	"posyandu_day" integer,
	"send_hour" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"planned_through" date,
	"next_due" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_staff_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_link_attempts" ADD CONSTRAINT "chat_link_attempts_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_link_codes" ADD CONSTRAINT "chat_link_codes_account_id_staff_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_accounts" ADD CONSTRAINT "staff_accounts_puskesmas_id_puskesmas_id_fk" FOREIGN KEY ("puskesmas_id") REFERENCES "public"."puskesmas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_accounts" ADD CONSTRAINT "staff_accounts_desa_code_areas_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_accounts" ADD CONSTRAINT "staff_accounts_posyandu_id_posyandu_id_fk" FOREIGN KEY ("posyandu_id") REFERENCES "public"."posyandu"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_chat_links" ADD CONSTRAINT "staff_chat_links_account_id_staff_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_chat_links" ADD CONSTRAINT "staff_chat_links_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_account_id_staff_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_account_id_staff_accounts_id_fk" FOREIGN KEY ("actor_account_id") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "children" ADD CONSTRAINT "children_parent_contact_id_contacts_id_fk" FOREIGN KEY ("parent_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "children" ADD CONSTRAINT "children_desa_code_areas_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "children" ADD CONSTRAINT "children_posyandu_id_posyandu_id_fk" FOREIGN KEY ("posyandu_id") REFERENCES "public"."posyandu"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "children" ADD CONSTRAINT "children_registered_by_contact_id_contacts_id_fk" FOREIGN KEY ("registered_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pregnancies" ADD CONSTRAINT "pregnancies_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pregnancies" ADD CONSTRAINT "pregnancies_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maternal_measurements" ADD CONSTRAINT "maternal_measurements_pregnancy_id_pregnancies_id_fk" FOREIGN KEY ("pregnancy_id") REFERENCES "public"."pregnancies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maternal_measurements" ADD CONSTRAINT "maternal_measurements_sent_by_contact_id_contacts_id_fk" FOREIGN KEY ("sent_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_sent_by_contact_id_contacts_id_fk" FOREIGN KEY ("sent_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_pregnancy_id_pregnancies_id_fk" FOREIGN KEY ("pregnancy_id") REFERENCES "public"."pregnancies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_measurement_id_measurements_id_fk" FOREIGN KEY ("measurement_id") REFERENCES "public"."measurements"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_puskesmas_id_puskesmas_id_fk" FOREIGN KEY ("puskesmas_id") REFERENCES "public"."puskesmas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_created_by_contact_id_contacts_id_fk" FOREIGN KEY ("created_by_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_questions" ADD CONSTRAINT "handoff_questions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_questions" ADD CONSTRAINT "handoff_questions_desa_code_areas_code_fk" FOREIGN KEY ("desa_code") REFERENCES "public"."areas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_questions" ADD CONSTRAINT "handoff_questions_claimed_by_staff_accounts_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_questions" ADD CONSTRAINT "handoff_questions_answered_by_staff_accounts_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "faq_overrides" ADD CONSTRAINT "faq_overrides_updated_by_staff_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_fires" ADD CONSTRAINT "reminder_fires_plan_id_reminder_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."reminder_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_fires" ADD CONSTRAINT "reminder_fires_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_plans" ADD CONSTRAINT "reminder_plans_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_plans" ADD CONSTRAINT "reminder_plans_pregnancy_id_pregnancies_id_fk" FOREIGN KEY ("pregnancy_id") REFERENCES "public"."pregnancies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_plans" ADD CONSTRAINT "reminder_plans_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_account_idx" ON "api_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "chat_link_attempts_contact_idx" ON "chat_link_attempts" USING btree ("contact_id","at");--> statement-breakpoint
CREATE INDEX "chat_link_codes_hash_idx" ON "chat_link_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE INDEX "staff_sessions_account_idx" ON "staff_sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "children_parent_idx" ON "children" USING btree ("parent_contact_id");--> statement-breakpoint
CREATE INDEX "children_posyandu_idx" ON "children" USING btree ("posyandu_id");--> statement-breakpoint
CREATE INDEX "children_desa_idx" ON "children" USING btree ("desa_code");--> statement-breakpoint
CREATE INDEX "pregnancies_contact_idx" ON "pregnancies" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "maternal_measurements_pregnancy_idx" ON "maternal_measurements" USING btree ("pregnancy_id");--> statement-breakpoint
CREATE INDEX "measurements_child_idx" ON "measurements" USING btree ("child_id","measured_on");--> statement-breakpoint
CREATE INDEX "measurements_sender_idx" ON "measurements" USING btree ("sent_by_contact_id","created_at");--> statement-breakpoint
CREATE INDEX "referrals_status_idx" ON "referrals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "referrals_child_idx" ON "referrals" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "referrals_puskesmas_idx" ON "referrals" USING btree ("puskesmas_id");--> statement-breakpoint
CREATE INDEX "handoff_questions_status_idx" ON "handoff_questions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "handoff_questions_desa_idx" ON "handoff_questions" USING btree ("desa_code");--> statement-breakpoint
CREATE INDEX "reminder_fires_due_idx" ON "reminder_fires" USING btree ("send_at","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "reminder_fires_contact_status_idx" ON "reminder_fires" USING btree ("contact_id","status");--> statement-breakpoint
CREATE INDEX "reminder_plans_contact_idx" ON "reminder_plans" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "reminder_plans_child_idx" ON "reminder_plans" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "reminder_plans_pregnancy_idx" ON "reminder_plans" USING btree ("pregnancy_id");--> statement-breakpoint
CREATE INDEX "reminder_plans_next_due_idx" ON "reminder_plans" USING btree ("next_due","id") WHERE status = 'active' and next_due is not null;